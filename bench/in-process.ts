import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { benchIngest } from '../collector/bench/ingest.js';
import { StoreConfigSchema, migrate, openStore } from '../collector/src/index.js';
import { benchOvershoot } from '../gateway/src/budget/index.js';
import { benchCacheLookup } from '../gateway/src/cache/index.js';
import { agentStepMessages, benchGuardrails } from '../gateway/src/guardrails/index.js';
import { startGateway } from '../gateway/src/main.js';
import { benchFailover } from '../gateway/src/routing/index.js';
import { benchMcp } from '../mcp/bench/bench-mcp.js';
import { startSimServer } from '../scenarios/src/sim/index.js';
import { fmt, table } from './report.js';

/** A difference with its sign (+0.42, -1.58). */
const signed = (n: number): string => `${n >= 0 ? '+' : ''}${fmt(n)}`;

/** Benches that run inside this process (chDB: one engine, shared by ingest and overshoot). */
export async function benchInProcess(): Promise<string[]> {
  const out: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-inproc-'));
  const store = openStore(StoreConfigSchema.parse({ path: join(dir, 'chdb') }), { env: {} });
  try {
    await migrate(store);
    // Sustained: ~10 s of ingest, so background merges and the last insert weigh what they do
    // in a long run (60k spans, about one second, measured mostly start-up and drain).
    const ingest = await benchIngest({ spans: 480_000, distinctSpans: 60_000, batchSize: 2_000, concurrency: 2, store });
    out.push(table('Collector ingest into chDB (issue 3)', ['measure', 'value'], [
      ['spans acknowledged per second (fsynced in the spool)', fmt(ingest.ackSpansPerSec, 0)],
      ['spans stored per second (visible in otel_traces)', fmt(ingest.spansPerSec, 0)],
      ['spans, requests', `${ingest.spans}, ${ingest.requests}`],
    ]));
    // Alone (each ledger spends the whole headroom it knows of), then with budgets.replicas: 2
    // and with the replicas counting themselves in the store (auto).
    const overRows: Array<Array<string | number>> = [];
    for (const replicas of [1, 2, 'auto'] as const) {
      const over = await benchOvershoot({ store, durationMs: 4_000, limitUsd: 0.05, syncIntervalMs: 500, exportDelayMs: 500, replicas });
      overRows.push([replicas, over.limitMicroUsd, over.chargedMicroUsd, `${fmt(over.overshootRatio * 100, 1)} %`]);
    }
    out.push(table('Budget overshoot, two gateway ledgers sharing one chDB store, sync 500 ms, export delay 500 ms (issue 5)', ['budgets.replicas', 'limit (micro-USD)', 'charged by both together (micro-USD)', 'overshoot'], overRows));
    const c = await benchCacheLookup({ entries: 100_000, store });
    const row = (tier: string, f: typeof c.hot) => [tier, `${fmt(f.exactP50Ms, 3)} / ${fmt(f.exactP99Ms, 3)}`, `${fmt(f.semanticP50Ms, 3)} / ${fmt(f.semanticP99Ms, 3)}`, `${fmt(f.semanticRecall * 100, 0)} %`];
    out.push(table(`Cache lookup at ${c.entries} entries, ${c.dims} dims, ${c.scopes} tenants (issue 9)`, ['tier', 'exact p50 / p99 (ms)', 'semantic p50 / p99 (ms)', 'semantic recall'], [
      row('memory', c.hot),
      'skipped' in c.clickhouse ? ['ClickHouse', c.clickhouse.skipped, '', ''] : row('ClickHouse (chDB)', c.clickhouse),
    ]));
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const g = await benchGuardrails();
  const agentStepChars = agentStepMessages().reduce((n, m) => n + m.content.length, 0);
  out.push(table('Guardrail detectors (issue 8)', ['measure', 'value'], [
    ['all built-in detectors + LOCATION dictionary on a 4 KB prompt (ms)', fmt(g.detectorMsPer4KbPrompt, 3)],
    ['whole request stage on the features bench PII prompt (µs, in-process)', fmt(g.requestStageUsPerPiiPrompt, 1)],
    [`the same on an agent step (${agentStepChars} characters: system prompt and history again, the PII prompt new), scan memo on / off (µs)`, `${fmt(g.requestStageUsPerAgentStep.memo, 1)} / ${fmt(g.requestStageUsPerAgentStep.noMemo, 1)}`],
    ['1 MB hostile prompt, worst accepted regex (ms, longest event-loop block)', `${fmt(g.pathologicalMs, 0)} (${fmt(g.pathologicalMaxBlockMs, 1)})`],
  ]));
  const mcpRows: Array<Array<string | number>> = [];
  for (const concurrency of [1, 8]) {
    const m = await benchMcp({ calls: 2_000, concurrency });
    mcpRows.push([concurrency, `${fmt(m.directP50Ms)} / ${fmt(m.directP99Ms)}`, `${fmt(m.gatewayP50Ms)} / ${fmt(m.gatewayP99Ms)}`, `${signed(m.addedP50Ms)} / ${signed(m.addedP99Ms)}`, `${fmt(m.throughputRatio)}×`]);
  }
  out.push(table('MCP tools/call through the gateway vs direct, same Streamable HTTP upstream (issue 11)', ['concurrency', 'direct p50 / p99 (ms)', 'gateway p50 / p99 (ms)', 'added', 'throughput ratio'], mcpRows));
  const quiet = pino({ level: 'silent' });
  for (const stream of [false, true]) {
    const f = await benchFailover({ startGateway: (o) => startGateway({ ...o, logger: quiet }), startSimServer, requests: 300, concurrency: 4, stream, flapDurationMs: 4_000 });
    out.push(table(`Failover cost, ${stream ? 'streaming' : 'JSON'} (issue 6)`, ['measure', 'value'], [
      ['latency p50 / p99, primary healthy (ms)', `${fmt(f.direct.p50Ms)} / ${fmt(f.direct.p99Ms)}`],
      ['added by failing over once, p50 / p99 (ms)', `${signed(f.addedMs.p50)} / ${signed(f.addedMs.p99)}`],
      ['requests that succeed while the primary flaps', `${f.flapping.succeeded} / ${f.flapping.requests} (${fmt(f.flapping.successRate * 100, 1)} %)`],
    ]));
  }
  return out;
}
