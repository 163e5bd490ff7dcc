import type { Dispatcher } from 'undici';
import { SseParser } from '../../../gateway/src/sse/parse.js';

/**
 * One chat-completions call on the OpenAI wire, the way the official SDK sends it, through
 * an undici pool (the SDK's per-call overhead would make the load generator the bottleneck).
 * Streams are parsed with the gateway's own SSE parser. Times come from the caller's clock;
 * TTFT counts from the *intended* start, so a late start shows as latency.
 */

export interface ToolCallRequest {
  id: string;
  name: string;
  arguments: string;
}

export interface LlmCallResult {
  ok: boolean;
  /** HTTP status; 0 when no response arrived. */
  status: number;
  /** `http_429:budget_exceeded`, `network:ECONNRESET`, `stream_error:…`, `stream_incomplete`, `timeout`. */
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

/** Content kept per answer for the conversation history (longer answers are cut). */
const MAX_CONTENT_CHARS = 256 * 1024;
const MAX_ERROR_BODY_BYTES = 64 * 1024;

interface Accum {
  content: string;
  tools: ToolCallRequest[];
  finish?: string;
  firstMs?: number;
  lastMs?: number;
  chunks: number;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
  error?: { type: string; message: string };
  done: boolean;
}

type Delta = { content?: string | null; tool_calls?: Array<{ index?: number; id?: string; function?: { name?: string; arguments?: string } }> };

function applyChunk(acc: Accum, data: string, nowMs: number): void {
  if (data === '[DONE]') {
    acc.done = true;
    return;
  }
  let chunk: { choices?: Array<{ delta?: Delta; finish_reason?: string | null }>; usage?: Accum['usage']; error?: { code?: string; type?: string; message?: string } };
  try {
    chunk = JSON.parse(data);
  } catch {
    acc.error ??= { type: 'bad_response', message: 'unparseable stream chunk' };
    return;
  }
  if (chunk.error) {
    acc.error ??= { type: `stream_error:${chunk.error.code ?? chunk.error.type ?? 'unknown'}`, message: chunk.error.message ?? '' };
    return;
  }
  if (chunk.usage) acc.usage = chunk.usage;
  const choice = chunk.choices?.[0];
  if (!choice) return;
  if (choice.finish_reason) acc.finish = choice.finish_reason;
  const d = choice.delta;
  const hasToken = (typeof d?.content === 'string' && d.content !== '') || (d?.tool_calls?.length ?? 0) > 0;
  if (!hasToken) return;
  acc.firstMs ??= nowMs;
  acc.lastMs = nowMs;
  acc.chunks++;
  if (d?.content && acc.content.length < MAX_CONTENT_CHARS) acc.content += d.content;
  for (const tc of d?.tool_calls ?? []) {
    const i = tc.index ?? 0;
    acc.tools[i] ??= { id: '', name: '', arguments: '' };
    if (tc.id) acc.tools[i].id = tc.id;
    if (tc.function?.name) acc.tools[i].name += tc.function.name;
    if (tc.function?.arguments) acc.tools[i].arguments += tc.function.arguments;
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

function fromJson(acc: Accum, text: string, nowMs: number): void {
  const body = JSON.parse(text) as { choices?: Array<{ message?: { content?: string | null; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }> }; finish_reason?: string }>; usage?: Accum['usage'] };
  const choice = body.choices?.[0];
  acc.content = (choice?.message?.content ?? '').slice(0, MAX_CONTENT_CHARS);
  acc.tools = (choice?.message?.tool_calls ?? []).map((t) => ({ id: t.id, name: t.function.name, arguments: t.function.arguments }));
  acc.finish = choice?.finish_reason;
  acc.usage = body.usage;
  acc.lastMs = nowMs;
  acc.done = true;
}

function networkError(err: unknown): { type: string; message: string } {
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  if (e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT') return { type: 'timeout', message: e.message ?? 'timed out' };
  return { type: `network:${e.code ?? e.cause?.code ?? e.name ?? 'error'}`, message: e.message ?? String(err) };
}

/** Sends one chat call and measures it. Never throws: failures come back as `ok: false`. */
export async function callChat(pool: Dispatcher, input: LlmCallInput, now: () => number): Promise<LlmCallResult> {
  const acc: Accum = { content: '', tools: [], chunks: 0, done: false };
  let status = 0;
  let requestId: string | undefined;
  let busyMs = 0;
  try {
    const t0 = now();
    const pending = pool.request({
      path: input.path,
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: input.stream ? 'text/event-stream' : 'application/json', ...input.headers },
      body: JSON.stringify(input.body),
      headersTimeout: input.timeoutMs,
      bodyTimeout: input.timeoutMs,
      signal: input.signal ? AbortSignal.any([input.signal, AbortSignal.timeout(input.timeoutMs)]) : AbortSignal.timeout(input.timeoutMs),
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
        for (const ev of parser.push(chunk as Buffer)) applyChunk(acc, ev.data, nowMs);
        busyMs += now() - nowMs;
      }
      for (const ev of parser.end()) applyChunk(acc, ev.data, now());
      if (!acc.done && !acc.error) acc.error = { type: 'stream_incomplete', message: 'the stream ended without [DONE]' };
    } else {
      fromJson(acc, await readText(res.body, 64 * 1024 * 1024), now());
    }
  } catch (err) {
    acc.error ??= acc.chunks > 0 ? { type: 'stream_incomplete', message: (err as Error).message } : networkError(err);
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
  if (input.stream && acc.firstMs !== undefined) {
    result.ttftMs = acc.firstMs - input.intendedStartMs;
    if (acc.lastMs !== undefined && outputTokens > 1) result.tpotMs = (acc.lastMs - acc.firstMs) / (outputTokens - 1);
  }
  if (acc.finish !== undefined) result.finishReason = acc.finish;
  if (requestId !== undefined) result.requestId = requestId;
  return result;
}
