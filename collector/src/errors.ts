/**
 * The collector's error catalogue: every failure has a stable code and, where it reaches an
 * HTTP client, a status. Tests check `err.code`, never message text.
 */
export const COLLECTOR_ERRORS = {
  /** Body could not be decoded as OTLP (JSON or protobuf). */
  COL_BAD_REQUEST: { status: 400 },
  COL_BODY_TOO_LARGE: { status: 413 },
  COL_UNSUPPORTED_MEDIA_TYPE: { status: 415 },
  COL_NOT_FOUND: { status: 404 },
  COL_METHOD_NOT_ALLOWED: { status: 405 },
  /** Too many concurrent export requests. */
  COL_BUSY: { status: 429 },
  /** The spool is at its size cap: the store has been behind for a while. */
  COL_SPOOL_FULL: { status: 503 },
  COL_SHUTTING_DOWN: { status: 503 },
  /** The spool could not be written (disk full, permissions). */
  COL_SPOOL_IO: { status: 503 },
  COL_STORE_UNAVAILABLE: { status: 503 },
  /** The store refused the data itself (parse/type errors); the batch is dead-lettered. */
  COL_STORE_REJECTED: { status: 500 },
  /** A second embedded store on another path in one process (chDB is one engine per process). */
  COL_STORE_ENGINE_BUSY: { status: 500 },
  COL_STORE_CONFIG: { status: 500 },
  COL_MIGRATION_FAILED: { status: 500 },
  COL_ADMIN_FORBIDDEN: { status: 403 },
  COL_ADMIN_UNAUTHORIZED: { status: 401 },
  COL_QUERY_FAILED: { status: 400 },
  COL_INTERNAL: { status: 500 },
} as const satisfies Record<string, { status: number }>;

export type CollectorErrorCode = keyof typeof COLLECTOR_ERRORS;

export interface CollectorErrorOptions {
  cause?: unknown;
  retryAfterMs?: number;
}

/** The one exception type of the collector. */
export class CollectorError extends Error {
  readonly code: CollectorErrorCode;
  readonly status: number;
  readonly retryAfterMs: number | undefined;

  constructor(code: CollectorErrorCode, message: string, opts: CollectorErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'CollectorError';
    this.code = code;
    this.status = COLLECTOR_ERRORS[code].status;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** One line for logs and `stats().store.lastError`: message plus the ClickHouse/errno code. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  const first = err.message.split('\n', 1)[0] ?? '';
  const msg = first.length > 300 ? `${first.slice(0, 300)}…` : first;
  if (typeof code === 'string' && code !== '' && !msg.includes(code)) return `${msg} (${code})`;
  return msg === '' ? err.name : msg;
}
