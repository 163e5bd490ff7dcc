/**
 * Errors the simulator answers with, as values, and their rendering in each API's own error
 * shape: OpenAI `{ error: { message, type, param, code } }`, Anthropic
 * `{ type: "error", error: { type, message }, request_id }`. Pure.
 */

export type SimErrorKind =
  | 'bad_request'
  | 'invalid_fault_spec'
  | 'model_not_found'
  | 'context_length_exceeded'
  | 'rate_limited'
  | 'injected_status'
  | 'body_too_large'
  | 'unknown_route';

/** An error response before it is framed for an API. */
export interface SimHttpError {
  readonly status: number;
  readonly kind: SimErrorKind;
  readonly message: string;
  readonly param?: string | null;
  /** Sent as `Retry-After` (ceil seconds) and `retry-after-ms`. */
  readonly retryAfterMs?: number;
  /** For OpenAI 429s: which limit (`requests` or `tokens`). */
  readonly limitType?: 'requests' | 'tokens';
}

const OPENAI_STATUS_DEFAULTS: Readonly<Record<number, { type: string; code: string | null; message: string }>> = {
  400: { type: 'invalid_request_error', code: null, message: 'Invalid request.' },
  401: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  403: { type: 'invalid_request_error', code: 'permission_denied', message: 'You are not allowed to use this model.' },
  404: { type: 'invalid_request_error', code: 'not_found', message: 'Not found.' },
  409: { type: 'invalid_request_error', code: 'conflict', message: 'Conflict.' },
  413: { type: 'invalid_request_error', code: 'request_too_large', message: 'Request too large.' },
  422: { type: 'invalid_request_error', code: null, message: 'Unprocessable request.' },
  429: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests. Please try again later.' },
  500: { type: 'server_error', code: null, message: 'The server had an error while processing your request. Sorry about that!' },
  502: { type: 'server_error', code: null, message: 'Bad gateway.' },
  503: { type: 'server_error', code: null, message: 'The engine is currently overloaded, please try again later.' },
  504: { type: 'server_error', code: null, message: 'Gateway timeout.' },
};

function openAiDefaults(status: number): { type: string; code: string | null; message: string } {
  return (
    OPENAI_STATUS_DEFAULTS[status] ??
    (status >= 500
      ? { type: 'server_error', code: null, message: `Server error (${status}).` }
      : { type: 'invalid_request_error', code: null, message: `Request failed (${status}).` })
  );
}

const OPENAI_KIND_CODES: Partial<Record<SimErrorKind, string>> = {
  invalid_fault_spec: 'invalid_fault_spec',
  model_not_found: 'model_not_found',
  context_length_exceeded: 'context_length_exceeded',
  rate_limited: 'rate_limit_exceeded',
  body_too_large: 'request_too_large',
};

/** OpenAI error body. */
export function openAiErrorBody(error: SimHttpError): { error: { message: string; type: string; param: string | null; code: string | null } } {
  const defaults = openAiDefaults(error.status);
  const type = error.kind === 'rate_limited' ? (error.limitType ?? 'requests') : defaults.type;
  const code = OPENAI_KIND_CODES[error.kind] ?? defaults.code;
  const message = error.kind === 'injected_status' ? defaults.message : error.message;
  return { error: { message, type, param: error.param ?? null, code } };
}

function anthropicType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/** Anthropic error body. */
export function anthropicErrorBody(
  error: SimHttpError,
  requestId: string,
): { type: 'error'; error: { type: string; message: string }; request_id: string } {
  const type = anthropicType(error.status);
  const message = error.kind === 'injected_status' ? `Simulated ${type} (${error.status}).` : error.message;
  return { type: 'error', error: { type, message }, request_id: requestId };
}

/** `Retry-After` headers for an error that carries a wait. */
export function retryAfterHeaders(error: SimHttpError): Record<string, string> {
  if (error.retryAfterMs === undefined) return {};
  return {
    'retry-after': String(Math.max(0, Math.ceil(error.retryAfterMs / 1000))),
    'retry-after-ms': String(Math.max(0, Math.round(error.retryAfterMs))),
  };
}
