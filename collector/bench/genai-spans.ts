import { randomBytes } from 'node:crypto';
import { ExportTraceServiceRequestType } from '../src/otlp/otlp-proto.js';
import { ATTR, SLUICE } from '../src/model/semconv.js';

/**
 * Realistic GenAI gateway spans as OTLP/JSON-shaped requests (hex ids, int64 as strings),
 * for the ingest benchmark and tests: the SERVER span a Sluice gateway emits per LLM call,
 * with the `gen_ai.*` and `sluice.*` attributes it carries.
 */
export interface OtlpJsonValue {
  stringValue?: string;
  intValue?: string;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values: OtlpJsonValue[] };
}
export interface OtlpJsonKeyValue {
  key: string;
  value: OtlpJsonValue;
}
export interface OtlpJsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpJsonKeyValue[];
  events?: { timeUnixNano: string; name: string; attributes: OtlpJsonKeyValue[] }[];
  status?: { code: number; message?: string };
}
export interface OtlpJsonRequest {
  resourceSpans: {
    resource: { attributes: OtlpJsonKeyValue[] };
    scopeSpans: { scope: { name: string; version: string }; spans: OtlpJsonSpan[] }[];
  }[];
}

export interface GenAiSpanOptions {
  agent?: string;
  team?: string;
  keyId?: string;
  model?: string;
  provider?: string;
  conversationId?: string;
  /** Start of the first span, ms since the epoch (default now - 1 s). */
  startMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  costMicroUsd?: number;
  error?: boolean;
}

const s = (key: string, v: string): OtlpJsonKeyValue => ({ key, value: { stringValue: v } });
const i = (key: string, v: number): OtlpJsonKeyValue => ({ key, value: { intValue: String(v) } });
const d = (key: string, v: number): OtlpJsonKeyValue => ({ key, value: { doubleValue: v } });
const b = (key: string, v: boolean): OtlpJsonKeyValue => ({ key, value: { boolValue: v } });

export const hexId = (bytes: number): string => randomBytes(bytes).toString('hex');

/** One gateway SERVER span for a chat call. */
export function genAiSpan(n: number, o: GenAiSpanOptions = {}): OtlpJsonSpan {
  const startNs = BigInt(Math.trunc(o.startMs ?? Date.now() - 1000)) * 1_000_000n + BigInt(n) * 1000n;
  const durationMs = 420 + (n % 50);
  const model = o.model ?? (n % 2 === 0 ? 'gpt-4o-mini' : 'claude-sonnet-4');
  const input = o.inputTokens ?? 1200 + (n % 300);
  const output = o.outputTokens ?? 180 + (n % 40);
  return {
    traceId: hexId(16),
    spanId: hexId(8),
    name: `chat ${model}`,
    kind: 2,
    startTimeUnixNano: startNs.toString(),
    endTimeUnixNano: (startNs + BigInt(durationMs) * 1_000_000n).toString(),
    attributes: [
      s(ATTR.GEN_AI_OPERATION_NAME, 'chat'),
      s(ATTR.GEN_AI_PROVIDER_NAME, o.provider ?? (model.startsWith('gpt') ? 'openai' : 'anthropic')),
      s(ATTR.GEN_AI_REQUEST_MODEL, model),
      s(ATTR.GEN_AI_RESPONSE_MODEL, `${model}-2026-01-01`),
      i(ATTR.GEN_AI_REQUEST_MAX_TOKENS, 1024),
      d(ATTR.GEN_AI_REQUEST_TEMPERATURE, 0.2),
      b(ATTR.GEN_AI_REQUEST_STREAM, n % 3 === 0),
      s(ATTR.GEN_AI_RESPONSE_ID, `chatcmpl-${hexId(12)}`),
      { key: ATTR.GEN_AI_RESPONSE_FINISH_REASONS, value: { arrayValue: { values: [{ stringValue: 'stop' }] } } },
      i(ATTR.GEN_AI_USAGE_INPUT_TOKENS, input),
      i(ATTR.GEN_AI_USAGE_OUTPUT_TOKENS, output),
      i(ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, n % 4 === 0 ? 512 : 0),
      s(ATTR.GEN_AI_CONVERSATION_ID, o.conversationId ?? `run-${Math.floor(n / 10)}`),
      s(ATTR.SERVER_ADDRESS, 'api.example.com'),
      s(SLUICE.REQUEST_ID, `req-${hexId(8)}`),
      s(SLUICE.AGENT, o.agent ?? `agent-${n % 5}`),
      s(SLUICE.TEAM, o.team ?? `team-${n % 2}`),
      s(SLUICE.KEY_ID, o.keyId ?? `key-${n % 7}`),
      s(SLUICE.ROUTE, '/v1/chat/completions'),
      s(SLUICE.API, 'openai.chat'),
      d(SLUICE.TTFT_MS, 120.5 + (n % 30)),
      d(SLUICE.TPOT_MS, 11.25),
      b(SLUICE.TOKENS_ESTIMATED, false),
      i(SLUICE.COST_MICRO_USD, o.costMicroUsd ?? 900 + (n % 100)),
      b(SLUICE.CACHE_HIT, false),
      i(SLUICE.GUARDRAIL_HITS, 0),
      i(SLUICE.ATTEMPTS, 1),
      i(SLUICE.STATUS_CODE, o.error === true ? 502 : 200),
      ...(o.error === true ? [s(ATTR.ERROR_TYPE, 'upstream_error')] : []),
    ],
    status: o.error === true ? { code: 2, message: 'upstream returned 502' } : { code: 0 },
  };
}

/** An export request holding `count` gateway spans. */
export function genAiTraceRequest(count: number, o: GenAiSpanOptions = {}, offset = 0): OtlpJsonRequest {
  return {
    resourceSpans: [
      {
        resource: { attributes: [s('service.name', 'sluice-gateway'), s('service.version', '0.1.0'), s('deployment.environment', 'bench')] },
        scopeSpans: [{ scope: { name: 'sluice', version: '0.1.0' }, spans: Array.from({ length: count }, (_, k) => genAiSpan(offset + k, o)) }],
      },
    ],
  };
}

export const encodeJsonRequest = (req: OtlpJsonRequest): Buffer => Buffer.from(JSON.stringify(req));

/** The same request as OTLP protobuf bytes (ids as bytes, int64 as varints). */
export function encodeProtobufRequest(req: OtlpJsonRequest): Buffer {
  const hexToBytes = (h: string | undefined): Buffer => Buffer.from(h ?? '', 'hex');
  const obj = {
    resourceSpans: req.resourceSpans.map((rs) => ({
      resource: rs.resource,
      scopeSpans: rs.scopeSpans.map((ss) => ({
        scope: ss.scope,
        spans: ss.spans.map((sp) => ({ ...sp, traceId: hexToBytes(sp.traceId), spanId: hexToBytes(sp.spanId), parentSpanId: hexToBytes(sp.parentSpanId) })),
      })),
    })),
  };
  return Buffer.from(ExportTraceServiceRequestType.encode(ExportTraceServiceRequestType.fromObject(obj)).finish());
}
