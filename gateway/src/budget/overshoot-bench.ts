import { randomBytes } from 'node:crypto';
import { ATTR, OPERATION, SLUICE, type SpanRow, type SpanStore } from '../../../collector/src/index.js';
import { BudgetsSectionSchema } from '../config/sections/budgets.js';
import { RateLimitsSectionSchema } from '../config/sections/rate-limits.js';
import type { Config } from '../config/schema.js';
import { createBudgets } from './create-budgets.js';
import type { BudgetRef } from './ledger.js';

export interface OvershootOptions {
  /** One store shared by both instances (chDB in one process, or a ClickHouse server). */
  store: Pick<SpanStore, 'info' | 'query' | 'insert' | 'command' | 'insertJsonEachRow'>;
  /** The shared budget. Default $0.20 (lasts a few seconds at the default load). */
  limitUsd?: number;
  /** Concurrent callers per instance. Default 4. */
  concurrency?: number;
  /** Worst case held per call (micro-USD); the actual charge is 30–100 % of it. Default 400. */
  callWorstMicroUsd?: number;
  /** Upstream time per call. Default 50 ms. */
  callMs?: number;
  /** Span export delay (gateway batch + collector batch). Default 500 ms. */
  exportDelayMs?: number;
  /** Default 500 ms. */
  syncIntervalMs?: number;
  /** `budgets.replicas` of both instances: 1 (default), 2 or `auto` (each spends its share of the headroom). */
  replicas?: number | 'auto';
  /** Load runs this long. Default 6 s. */
  durationMs?: number;
  /** Agent name (use a fresh one per run: the store keeps what earlier runs wrote). */
  agent?: string;
  random?: () => number;
}

export interface OvershootReport {
  limitMicroUsd: number;
  /** What both instances charged together (the truth: every call's actual cost). */
  chargedMicroUsd: number;
  overshootMicroUsd: number;
  /** overshoot / limit. */
  overshootRatio: number;
  syncIntervalMs: number;
  exportDelayMs: number;
  replicas: number | 'auto';
  instances: Array<{ accepted: number; refused: number; chargedMicroUsd: number }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function spanRow(agent: string, startMs: number, costMicroUsd: number): SpanRow {
  const ns = BigInt(startMs) * 1_000_000n;
  return {
    Timestamp: ns, TraceId: randomBytes(16).toString('hex'), SpanId: randomBytes(8).toString('hex'), ParentSpanId: '', TraceState: '',
    SpanName: 'chat bench', SpanKind: 'Server', ServiceName: 'sluice-bench', ResourceAttributes: {}, ScopeName: 'sluice', ScopeVersion: '',
    SpanAttributes: {
      [ATTR.GEN_AI_OPERATION_NAME]: OPERATION.CHAT, [ATTR.GEN_AI_REQUEST_MODEL]: 'bench-model', [SLUICE.AGENT]: agent,
      [SLUICE.COST_MICRO_USD]: String(costMicroUsd), [ATTR.GEN_AI_USAGE_INPUT_TOKENS]: '0', [ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]: '0',
    },
    Duration: 1_000_000n, StatusCode: 'Ok', StatusMessage: '', Events: [], Links: [],
  };
}

/**
 * Two gateway instances, each with its own ledger, sharing one store under concurrent load
 * on one budget: each reserves locally, charges, exports its spans to the store after
 * `exportDelayMs`, and refreshes from the store every `syncIntervalMs`. Reports how far the
 * two together went past the limit (see README: the bound is the other instance's spend
 * during export delay + sync interval; with `replicas: 2`, each spends only its share of the
 * headroom between syncs).
 */
export async function benchOvershoot(o: OvershootOptions): Promise<OvershootReport> {
  const limitUsd = o.limitUsd ?? 0.2;
  const syncIntervalMs = o.syncIntervalMs ?? 500;
  const exportDelayMs = o.exportDelayMs ?? 500;
  const worst = o.callWorstMicroUsd ?? 400;
  const agent = o.agent ?? `bench-${randomBytes(4).toString('hex')}`;
  const random = o.random ?? Math.random;
  const replicas = o.replicas ?? 1;
  const budgets = BudgetsSectionSchema.parse({ rules: [{ name: 'shared', per: 'agent', limitUsd, window: 'daily' }], syncIntervalMs, replicas });
  const config = { budgets, rateLimits: RateLimitsSectionSchema.parse({}), models: {} } as unknown as Config;
  const ref: BudgetRef = { name: 'shared', subject: `agent:${agent}`, limitMicroUsd: Math.round(limitUsd * 1e6), window: { kind: 'calendar', unit: 'daily', timeZone: 'UTC' } };
  const logger = { info: () => {}, warn: () => {} };
  const deadline = Date.now() + (o.durationMs ?? 6_000);

  const runInstance = async () => {
    const b = createBudgets({ now: Date.now, logger, store: o.store, getConfig: () => config });
    await b.loadFromStore();
    b.startSync();
    const stats = { accepted: 0, refused: 0, chargedMicroUsd: 0 };
    // Spans leave in batches, as the OTLP exporter and the collector's batch writer send them.
    let pending: SpanRow[] = [];
    const flush = async () => {
      const rows = pending;
      pending = [];
      if (rows.length > 0) await o.store.insert(rows);
    };
    let flushing = Promise.resolve();
    const exporter = setInterval(() => (flushing = flushing.then(flush)), exportDelayMs);
    const worker = async () => {
      while (Date.now() < deadline) {
        const r = b.ledger.reserve([ref], { costMicroUsd: worst, tokens: 0 });
        if (!r.ok) {
          stats.refused++;
          await sleep(10);
          continue;
        }
        const startMs = Date.now();
        await sleep(o.callMs ?? 50);
        const cost = Math.ceil(worst * (0.3 + 0.7 * random()));
        b.ledger.settle(r.reservation, { costMicroUsd: cost, tokens: 0 });
        stats.accepted++;
        stats.chargedMicroUsd += cost;
        pending.push(spanRow(agent, startMs, cost));
      }
    };
    await Promise.all(Array.from({ length: o.concurrency ?? 4 }, worker));
    clearInterval(exporter);
    await flushing.then(flush);
    await b.stop();
    return stats;
  };

  const instances = await Promise.all([runInstance(), runInstance()]);
  const charged = instances.reduce((n, s) => n + s.chargedMicroUsd, 0);
  const over = Math.max(0, charged - ref.limitMicroUsd!);
  return { limitMicroUsd: ref.limitMicroUsd!, chargedMicroUsd: charged, overshootMicroUsd: over, overshootRatio: over / ref.limitMicroUsd!, syncIntervalMs, exportDelayMs, replicas, instances };
}
