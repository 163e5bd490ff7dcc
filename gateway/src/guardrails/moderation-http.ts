import { type Dispatcher, request } from 'undici';

/** Outcome of one moderation call: a parsed JSON body, or why there is none. */
export type PostJsonResult = { ok: true; body: unknown } | { ok: false; reason: string };

export interface PostJsonOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  /** The caller's signal (client went away). */
  signal?: AbortSignal;
  dispatcher?: Dispatcher;
  /** Largest answer read. */
  maxResponseBytes?: number;
}

/** 1 MiB: verdicts are small; anything bigger is garbage. */
const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * POSTs JSON and reads a JSON answer within `timeoutMs` (connect to last byte). Never
 * throws: every failure is a reason string (`timeout`, `unreachable`, `http_503`,
 * `bad_json`, `too_large`, `aborted`) for the fail-open/fail-closed policy to act on.
 */
export async function postJson(url: string, payload: unknown, opts: PostJsonOptions): Promise<PostJsonResult> {
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const limit = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  try {
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...opts.headers },
      body: JSON.stringify(payload),
      signal,
      dispatcher: opts.dispatcher,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        res.body.destroy();
        return { ok: false, reason: 'too_large' };
      }
      chunks.push(chunk as Buffer);
    }
    if (res.statusCode < 200 || res.statusCode > 299) return { ok: false, reason: `http_${res.statusCode}` };
    try {
      return { ok: true, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
    } catch {
      return { ok: false, reason: 'bad_json' };
    }
  } catch {
    if (timeout.aborted) return { ok: false, reason: 'timeout' };
    if (opts.signal?.aborted) return { ok: false, reason: 'aborted' };
    return { ok: false, reason: 'unreachable' };
  }
}
