import type { IncomingHttpHeaders } from 'node:http';
import type { Config } from '../../config/schema.js';
import type { RequestCtx } from '../../pipeline/context.js';
import type { Outcome } from '../../pipeline/outcome.js';
import { Cancellation } from '../../pipeline/cancellation.js';

/** A hand-built request context for calling stages directly in tests. */
export function testRequestCtx(config: Config, opts: { headers?: IncomingHttpHeaders; model?: string; nowMs?: number } = {}): RequestCtx {
  const nowMs = opts.nowMs ?? Date.parse('2026-01-01T00:00:00Z');
  const model = opts.model ?? 'gpt-4';
  return {
    requestId: 'req-test',
    api: 'openai',
    operation: 'chat',
    path: '/v1/chat/completions',
    headers: opts.headers ?? {},
    config,
    cancel: new Cancellation(),
    signal: new AbortController().signal,
    receivedAtMs: nowMs,
    now: () => nowMs,
    body: { model, messages: [{ role: 'user', content: 'hi' }] },
    model,
    stream: false,
    attrs: {},
    events: [],
    responseHeaders: {},
    span: undefined,
  };
}

/** A terminal `next` that records that it ran. */
export function okNext(): { next: () => Promise<Outcome>; calls: () => number } {
  let calls = 0;
  return {
    next: async () => {
      calls++;
      return { kind: 'json', status: 200, body: { ok: true } };
    },
    calls: () => calls,
  };
}
