import { randomBytes } from 'node:crypto';
import { ATTR, SLUICE } from '../../collector/src/index.js';

/**
 * SYNTHETIC DATA. The gateway does not yet emit gateway-cache hits, LLM guardrail hits or
 * breaker skips (those features are not wired into `startGateway`), so these SERVER spans
 * are what those features will emit, per the attribute contract in
 * collector/src/model/semconv.ts, sent through the collector's OTLP/HTTP JSON receiver like
 * any exporter's. Everything else the dashboards show comes from the real workload.
 */
type Attr = string | number | boolean | string[];

function otlpValue(v: Attr): Record<string, unknown> {
  if (Array.isArray(v)) return { arrayValue: { values: v.map((x) => ({ stringValue: x })) } };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  return { stringValue: v };
}

interface SyntheticCall {
  agent: string;
  team: string;
  model: string;
  extra: Record<string, Attr>;
  durationMs: number;
}

const base = (c: SyntheticCall): Record<string, Attr> => ({
  [ATTR.GEN_AI_OPERATION_NAME]: 'chat',
  [ATTR.GEN_AI_REQUEST_MODEL]: c.model,
  [ATTR.GEN_AI_RESPONSE_MODEL]: c.model,
  [ATTR.GEN_AI_PROVIDER_NAME]: 'openai',
  [SLUICE.PROVIDER]: 'sim',
  [SLUICE.TARGET]: `sim/${c.model}`,
  [SLUICE.AGENT]: c.agent,
  [SLUICE.TEAM]: c.team,
  [SLUICE.KEY_ID]: `k-${c.agent}`,
  [SLUICE.AUTH_METHOD]: 'virtual-key',
  [SLUICE.REQUEST_ID]: `synthetic-${randomBytes(4).toString('hex')}`,
  [SLUICE.API]: 'openai',
  [SLUICE.ROUTE]: '/v1/chat/completions',
  [ATTR.GEN_AI_USAGE_INPUT_TOKENS]: 42,
  [ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]: 17,
  [SLUICE.ATTEMPTS]: 1,
  [ATTR.HTTP_RESPONSE_STATUS_CODE]: 200,
  [SLUICE.STATUS_CODE]: 200,
});

/** Calls as the cache, guardrail and breaker features will record them. */
export function syntheticCalls(): SyntheticCall[] {
  return [
    // Gateway cache hits: answered without an upstream call, nothing charged, the saving recorded.
    { agent: 'alice', team: 'research', model: 'sim-fast', durationMs: 2, extra: { [SLUICE.CACHE_HIT]: true, [SLUICE.CACHE_KIND]: 'exact', [SLUICE.CACHE_SAVED_MICRO_USD]: 930, [SLUICE.COST_MICRO_USD]: 0 } },
    { agent: 'bob', team: 'research', model: 'sim-fast', durationMs: 3, extra: { [SLUICE.CACHE_HIT]: true, [SLUICE.CACHE_KIND]: 'semantic', [SLUICE.CACHE_SIMILARITY]: 0.97, [SLUICE.CACHE_SAVED_MICRO_USD]: 1210, [SLUICE.COST_MICRO_USD]: 0 } },
    // Request guardrails that masked or flagged content before the upstream call.
    { agent: 'alice', team: 'research', model: 'sim-fast', durationMs: 40, extra: { [SLUICE.GUARDRAIL_HITS]: 2, [SLUICE.GUARDRAIL_RULES]: ['pii.email', 'secrets.aws_key'], [SLUICE.GUARDRAIL_ACTIONS]: ['mask'], [SLUICE.COST_MICRO_USD]: 930 } },
    { agent: 'carol', team: 'ops', model: 'sim-fast', durationMs: 35, extra: { [SLUICE.GUARDRAIL_HITS]: 1, [SLUICE.GUARDRAIL_RULES]: ['pii.phone'], [SLUICE.GUARDRAIL_ACTIONS]: ['flag'], [SLUICE.COST_MICRO_USD]: 930 } },
    // A target passed over because its circuit breaker was open.
    { agent: 'bob', team: 'research', model: 'sim-ha', durationMs: 25, extra: { [SLUICE.FAILOVER_SKIPPED]: ['sim-down/sim-fast:breaker_open'], [SLUICE.COST_MICRO_USD]: 930 } },
  ];
}

/** An OTLP/HTTP JSON `ExportTraceServiceRequest` with one SERVER span per call, ending now. */
export function syntheticExport(calls: SyntheticCall[], nowMs = Date.now()): unknown {
  const spans = calls.map((c, i) => {
    const endNs = BigInt(nowMs - i * 1000) * 1_000_000n;
    const startNs = endNs - BigInt(Math.round(c.durationMs * 1e6));
    return {
      traceId: randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
      name: `chat ${c.model}`,
      kind: 2,
      startTimeUnixNano: startNs.toString(),
      endTimeUnixNano: endNs.toString(),
      attributes: Object.entries({ ...base(c), ...c.extra }).map(([key, v]) => ({ key, value: otlpValue(v) })),
      status: { code: 1 },
    };
  });
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'sluice-gateway' } }] },
        scopeSpans: [{ scope: { name: 'sluice-gateway', version: '0.1.0' }, spans }],
      },
    ],
  };
}

/** Posts the synthetic spans to a collector; throws unless it accepted them all. */
export async function sendSyntheticSpans(collectorUrl: string): Promise<number> {
  const calls = syntheticCalls();
  const res = await fetch(`${collectorUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(syntheticExport(calls)) });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`collector answered ${res.status}: ${body}`);
  if (body.includes('rejectedSpans') && !/"rejectedSpans":\s*"?0/.test(body)) throw new Error(`collector rejected spans: ${body}`);
  return calls.length;
}
