import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayError } from '../errors.js';
import { errorBody } from './render-error.js';

/** Node's parser and timeout errors, as the gateway error the client gets. */
function errorOf(code: string | undefined): GatewayError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new GatewayError('GW_HEADERS_TOO_LARGE', 'request headers are too large');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new GatewayError('GW_REQUEST_TIMEOUT', 'the request did not arrive in time (server.headersTimeoutMs / server.requestTimeoutMs); the connection is closed');
    default:
      return new GatewayError('GW_BAD_REQUEST', 'malformed HTTP request', { clientCode: 'malformed_http' });
  }
}

/**
 * The server's `clientError` handler: requests Node refuses before the gateway sees them
 * (malformed HTTP, headers too large, a request that did not arrive in time) get the
 * OpenAI error shape too, not an empty body, and the connection is closed. A socket whose
 * response is already under way is only closed (writing there would corrupt it). There is
 * no response object here: the answer is written to the socket as it is.
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  const inProgress = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inProgress?.headersSent) {
    socket.destroy();
    return;
  }
  const e = errorOf(err.code);
  const body = JSON.stringify(errorBody(e, 'openai'));
  socket.end(`HTTP/1.1 ${e.status} ${STATUS_CODES[e.status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}
