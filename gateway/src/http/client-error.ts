import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** Node's parser and timeout errors, as the status and message the client gets. */
function describe(code: string | undefined): { status: number; code: string; message: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'headers_too_large', message: 'request headers are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'request_timeout', message: 'the request did not arrive in time (server.headersTimeoutMs / server.requestTimeoutMs); the connection is closed' };
    default:
      return { status: 400, code: 'malformed_http', message: 'malformed HTTP request' };
  }
}

/**
 * The server's `clientError` handler: requests Node refuses before the gateway sees them
 * (malformed HTTP, headers too large, a request that did not arrive in time) get the
 * OpenAI error shape too, not an empty body, and the connection is closed. A socket whose
 * response is already under way is only closed (writing there would corrupt it).
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  const inProgress = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inProgress?.headersSent) {
    socket.destroy();
    return;
  }
  const d = describe(err.code);
  const body = JSON.stringify({ error: { message: d.message, type: 'invalid_request_error', param: null, code: d.code } });
  socket.end(`HTTP/1.1 ${d.status} ${STATUS_CODES[d.status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}
