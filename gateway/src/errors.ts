/**
 * The gateway's error catalogue: every failure has a stable code, an HTTP status and the
 * OpenAI error `type` it renders as. Stages throw `GatewayError`; only the edge renders it
 * (in the caller's API shape). Mirrored in the README's error table.
 */
export const ERROR_CATALOGUE = {
  GW_BAD_JSON: { status: 400, type: 'invalid_request_error' },
  GW_BAD_REQUEST: { status: 400, type: 'invalid_request_error' },
  GW_BODY_TOO_LARGE: { status: 413, type: 'invalid_request_error' },
  GW_HEADERS_TOO_LARGE: { status: 431, type: 'invalid_request_error' },
  GW_REQUEST_TIMEOUT: { status: 408, type: 'invalid_request_error' },
  GW_UNSUPPORTED_MEDIA_TYPE: { status: 415, type: 'invalid_request_error' },
  GW_NOT_FOUND: { status: 404, type: 'invalid_request_error' },
  GW_METHOD_NOT_ALLOWED: { status: 405, type: 'invalid_request_error' },
  GW_MODEL_NOT_FOUND: { status: 404, type: 'invalid_request_error' },
  GW_AUTH_MISSING: { status: 401, type: 'authentication_error' },
  GW_AUTH_INVALID: { status: 401, type: 'authentication_error' },
  GW_AUTH_UNAVAILABLE: { status: 503, type: 'api_error' },
  GW_PERMISSION_DENIED: { status: 403, type: 'permission_denied' },
  GW_RATE_LIMITED: { status: 429, type: 'rate_limit_exceeded' },
  GW_BUDGET_EXCEEDED: { status: 429, type: 'budget_exceeded' },
  GW_GUARDRAIL_REJECTED: { status: 400, type: 'invalid_request_error' },
  GW_CONTEXT_LENGTH_EXCEEDED: { status: 400, type: 'invalid_request_error' },
  GW_UPSTREAM_ERROR: { status: 502, type: 'api_error' },
  GW_UPSTREAM_UNREACHABLE: { status: 502, type: 'api_error' },
  GW_UPSTREAM_TIMEOUT: { status: 504, type: 'api_error' },
  GW_UPSTREAM_BAD_RESPONSE: { status: 502, type: 'api_error' },
  GW_UPSTREAM_STREAM_BROKEN: { status: 502, type: 'api_error' },
  GW_NO_HEALTHY_TARGET: { status: 503, type: 'api_error' },
  GW_DEADLINE_EXCEEDED: { status: 504, type: 'api_error' },
  GW_SHUTTING_DOWN: { status: 503, type: 'api_error' },
  GW_INTERNAL: { status: 500, type: 'api_error' },
} as const satisfies Record<string, { status: number; type: string }>;

export type GatewayErrorCode = keyof typeof ERROR_CATALOGUE;

export interface GatewayErrorOptions {
  cause?: unknown;
  /** Overrides the catalogue status (e.g. an upstream 4xx passed through as is). */
  status?: number;
  /** Overrides the rendered OpenAI `error.type`. */
  type?: string;
  /** The OpenAI `error.code` field (e.g. `model_not_found`); defaults to a lower-cased code. */
  clientCode?: string | null;
  /** The OpenAI `error.param` field. */
  param?: string | null;
  retryAfterMs?: number;
  /** Extra response headers (rate-limit headers, `WWW-Authenticate`). */
  headers?: Record<string, string>;
  /** Upstream failures only: another attempt (same or other target) may succeed. */
  retryable?: boolean;
  /** Upstream failures only: which provider failed (for spans and failover reasons). */
  provider?: string;
}

/** The one exception type of the gateway; rendered at the edge in the client's schema. */
export class GatewayError extends Error {
  readonly code: GatewayErrorCode;
  readonly status: number;
  readonly type: string;
  readonly clientCode: string | null;
  readonly param: string | null;
  readonly retryAfterMs: number | undefined;
  readonly headers: Record<string, string>;
  readonly retryable: boolean;
  readonly provider: string | undefined;

  constructor(code: GatewayErrorCode, message: string, opts: GatewayErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'GatewayError';
    this.code = code;
    const entry = ERROR_CATALOGUE[code];
    this.status = opts.status ?? entry.status;
    this.type = opts.type ?? entry.type;
    this.clientCode = opts.clientCode === undefined ? defaultClientCode(code) : opts.clientCode;
    this.param = opts.param ?? null;
    this.retryAfterMs = opts.retryAfterMs;
    this.headers = opts.headers ?? {};
    this.retryable = opts.retryable ?? false;
    this.provider = opts.provider;
  }
}

function defaultClientCode(code: GatewayErrorCode): string {
  return code.slice(3).toLowerCase();
}

/** What a failure is recorded as (`error.type` on spans, `llm_calls.error_type`, failover reasons). */
export const errorTypeOf = (err: GatewayError): string => err.clientCode ?? err.code;

/** True for errors the client caused (never retried, never failed over). */
export function isClientFault(err: GatewayError): boolean {
  return err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429;
}

/** Wraps anything thrown into a GatewayError without losing the cause. */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  return new GatewayError('GW_INTERNAL', 'internal gateway error', { cause: err });
}
