import type { IncomingHttpHeaders } from 'node:http';

/**
 * A ring buffer of recent requests, for tests that assert what the gateway actually sent
 * upstream (headers it added or stripped, the body after templating). Credentials are
 * never kept: their values become "[present]".
 */

export interface RecordedRequest {
  /** Arrival order since start (control requests not counted). */
  seq: number;
  /** Milliseconds since the server started. */
  atMs: number;
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  /** Parsed JSON body; the raw text when it was not JSON; undefined when empty. */
  body: unknown;
  /** Status sent, once known; undefined while in flight or when the socket died first. */
  status?: number;
  /** The fault applied, in header form (`status=503`), if any. */
  fault?: string;
  /** Milliseconds since the fault plan was installed, as its windows saw this request (set once the plan was consulted). */
  planMs?: number;
}

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'x-goog-api-key']);

/** Copies headers with credential values replaced by "[present]". */
export function redactHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = SECRET_HEADERS.has(name) ? '[present]' : value;
  }
  return out;
}

export class RequestLog {
  readonly #ring: Array<RecordedRequest | undefined>;
  #next = 0;
  #count = 0;

  constructor(readonly capacity: number) {
    this.#ring = new Array<RecordedRequest | undefined>(capacity);
  }

  /** Stores a record (the caller may still fill in `status` later). */
  add(record: RecordedRequest): void {
    if (this.capacity === 0) return;
    this.#ring[this.#next] = record;
    this.#next = (this.#next + 1) % this.capacity;
    this.#count = Math.min(this.#count + 1, this.capacity);
  }

  /** The newest `limit` records, oldest first. */
  recent(limit = this.capacity): RecordedRequest[] {
    const take = Math.max(0, Math.min(limit, this.#count));
    const out: RecordedRequest[] = [];
    for (let i = take; i > 0; i--) {
      const record = this.#ring[(this.#next - i + this.capacity) % this.capacity];
      if (record) out.push(structuredClone(record));
    }
    return out;
  }

  clear(): void {
    this.#ring.fill(undefined);
    this.#next = 0;
    this.#count = 0;
  }
}
