import type { Dispatcher } from 'undici';
import { SseParser, type SseEvent } from '../../../gateway/src/sse/parse.js';
import { type ChatAnswer, type ToolCallRequest, newChatAnswer } from './chat-answer.js';

/**
 * One LLM call over HTTP, whatever wire API it speaks, through an undici pool (the official
 * SDKs' per-call overhead would make the load generator the bottleneck): encode the body and
 * read the answer the wire's way (streams framed by the gateway's own SSE parser), measure. Times
 * come from the caller's clock; TTFT counts from the *intended* start, so a late start shows
 * as latency. Error answers are read the same way for both wires: OpenAI's `error.code` or
 * `error.type`, and Anthropic's `{ type: 'error', error: { type, message } }`, give
 * `http_<status>:<code or type>`.
 */

export interface LlmCallResult {
  ok: boolean;
  /** HTTP status; 0 when no response arrived. */
  status: number;
  /** `http_429:budget_exceeded`, `network:ECONNRESET`, `stream_error:…`, `stream_incomplete`, `timeout`, `bad_request`. */
  errorType?: string;
  errorMessage?: string;
  ttftMs?: number;
  tpotMs?: number;
  endMs: number;
  inputTokens: number;
  outputTokens: number;
  finishReason?: string;
  content: string;
  toolCalls: ToolCallRequest[];
  /** The gateway's `x-request-id`. */
  requestId?: string;
  /** Time this process spent on the call's own work (encode, parse): the generator's cost. */
  clientBusyMs: number;
}

/** A call as the steps give it, whatever its wire: the body in OpenAI chat form. */
export interface LlmCallInput {
  path: string;
  body: Record<string, unknown>;
  headers: Record<string, string>;
  stream: boolean;
  intendedStartMs: number;
  timeoutMs: number;
  /** Aborts the call (the end of the load). */
  signal?: AbortSignal;
}

/** How one wire API puts a call's body on the wire and reads its 2xx answer back (one per call when it keeps state). */
export interface LlmWire {
  /** The request body; throws when the call has no form on this wire (it then fails as `bad_request`). */
  encode(body: Record<string, unknown>): string;
  /** One event of a stream. */
  event(answer: ChatAnswer, ev: SseEvent, nowMs: number): void;
  /** A whole JSON answer. */
  json(answer: ChatAnswer, text: string, nowMs: number): void;
  /** What ends a whole stream (`[DONE]`, `message_stop`): named when it never came. */
  endMarker: string;
}

const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** The request could not be built; nothing was sent. */
class UnsendableRequest extends Error {}

function encodeBody(wire: LlmWire, body: Record<string, unknown>): string {
  try {
    return wire.encode(body);
  } catch (err) {
    throw new UnsendableRequest((err as Error).message, { cause: err });
  }
}

function errorOf(status: number, text: string): { type: string; message: string } {
  try {
    const e = (JSON.parse(text) as { error?: { code?: string | null; type?: string; message?: string } }).error;
    const code = e?.code ?? e?.type;
    return { type: `http_${status}${code ? `:${code}` : ''}`, message: e?.message ?? text.slice(0, 200) };
  } catch {
    return { type: `http_${status}`, message: text.slice(0, 200) };
  }
}

async function readText(body: Dispatcher.ResponseData['body'], maxBytes: number): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size <= maxBytes) parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts).toString('utf8');
}

function headerOf(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function networkError(err: unknown): { type: string; message: string } {
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  if (e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT') return { type: 'timeout', message: e.message ?? 'timed out' };
  return { type: `network:${e.code ?? e.cause?.code ?? e.name ?? 'error'}`, message: e.message ?? String(err) };
}

/** Sends one call and measures it. Never throws: failures come back as `ok: false`. */
export async function exchangeLlmCall(pool: Dispatcher, call: LlmCallInput, wire: LlmWire, now: () => number): Promise<LlmCallResult> {
  const acc = newChatAnswer();
  let status = 0;
  let requestId: string | undefined;
  let busyMs = 0;
  try {
    const t0 = now();
    const pending = pool.request({
      path: call.path,
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: call.stream ? 'text/event-stream' : 'application/json', ...call.headers },
      body: encodeBody(wire, call.body),
      headersTimeout: call.timeoutMs,
      bodyTimeout: call.timeoutMs,
      signal: call.signal ? AbortSignal.any([call.signal, AbortSignal.timeout(call.timeoutMs)]) : AbortSignal.timeout(call.timeoutMs),
    });
    busyMs += now() - t0;
    const res = await pending;
    status = res.statusCode;
    requestId = headerOf(res.headers, 'x-request-id');
    const type = headerOf(res.headers, 'content-type') ?? '';
    if (status >= 400) {
      acc.error = errorOf(status, await readText(res.body, MAX_ERROR_BODY_BYTES));
    } else if (type.includes('text/event-stream')) {
      const parser = new SseParser();
      for await (const chunk of res.body) {
        const nowMs = now();
        for (const ev of parser.push(chunk as Buffer)) wire.event(acc, ev, nowMs);
        busyMs += now() - nowMs;
      }
      for (const ev of parser.end()) wire.event(acc, ev, now());
      if (!acc.done && !acc.error) acc.error = { type: 'stream_incomplete', message: `the stream ended without ${wire.endMarker}` };
    } else {
      wire.json(acc, await readText(res.body, 64 * 1024 * 1024), now());
    }
  } catch (err) {
    acc.error ??= err instanceof UnsendableRequest
      ? { type: 'bad_request', message: err.message }
      : acc.chunks > 0 ? { type: 'stream_incomplete', message: (err as Error).message } : networkError(err);
  }
  const endMs = now();
  const outputTokens = acc.usage?.completion_tokens ?? acc.chunks;
  const result: LlmCallResult = {
    ok: acc.error === undefined,
    status,
    endMs,
    inputTokens: acc.usage?.prompt_tokens ?? 0,
    outputTokens,
    content: acc.content,
    toolCalls: acc.tools.filter((t) => t !== undefined),
    clientBusyMs: busyMs,
  };
  if (acc.error) {
    result.errorType = acc.error.type;
    result.errorMessage = acc.error.message;
  }
  if (call.stream && acc.firstMs !== undefined) {
    result.ttftMs = acc.firstMs - call.intendedStartMs;
    if (acc.lastMs !== undefined && outputTokens > 1) result.tpotMs = (acc.lastMs - acc.firstMs) / (outputTokens - 1);
  }
  if (acc.finish !== undefined) result.finishReason = acc.finish;
  if (requestId !== undefined) result.requestId = requestId;
  return result;
}
