import type { ServerResponse } from 'node:http';
import type { GatewayError } from '../errors.js';
import type { ApiFlavor } from '../pipeline/context.js';

/** The error body in the caller's API schema. */
export function errorBody(err: GatewayError, api: ApiFlavor): Record<string, unknown> {
  if (api === 'anthropic') {
    return { type: 'error', error: { type: anthropicErrorType(err.status), message: err.message } };
  }
  return { error: { message: err.message, type: err.type, param: err.param, code: err.clientCode } };
}

/** Anthropic's `error.type` for an HTTP status. */
export function anthropicErrorType(status: number): string {
  if (status === 400 || status === 413 || status === 404 || status === 405) return status === 404 ? 'not_found_error' : status === 413 ? 'request_too_large' : 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 529 || status === 503) return 'overloaded_error';
  return 'api_error';
}

/** Writes `err` as a complete response (status, headers, JSON body). */
export function sendError(res: ServerResponse, err: GatewayError, api: ApiFlavor, headers: Record<string, string>): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(errorBody(err, api));
  const h: Record<string, string | number> = Object.assign({}, headers, err.headers);
  h['content-type'] = 'application/json';
  h['content-length'] = Buffer.byteLength(body);
  if (err.retryAfterMs !== undefined && h['retry-after'] === undefined) h['retry-after'] = String(Math.max(1, Math.ceil(err.retryAfterMs / 1000)));
  res.writeHead(err.status, h);
  res.end(body);
}

/** The SSE payload for an error after a stream has started (OpenAI's error chunk). */
export function streamErrorPayload(err: GatewayError): string {
  return JSON.stringify({ error: { message: err.message, type: err.type, param: err.param, code: err.clientCode } });
}
