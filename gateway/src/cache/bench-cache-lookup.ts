import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type SpanStore, StoreConfigSchema, openStore } from '../../../collector/src/index.js';
import { vectorTableOf } from './cache-ddl.js';
import { exactKey } from './cache-key.js';
import type { CachedAnswer } from './cached-answer.js';
import { ClickHouseTier, type StoredEntry } from './clickhouse-tier.js';
import { HotTier, entrySizeBytes } from './hot-tier.js';
import { normalise } from './vector-set.js';
import { createRng } from '../../../scenarios/src/sim/index.js';

export interface CacheBenchOptions {
  /** Entries in each tier. */
  entries?: number;
  /** Embedding size. */
  dims?: number;
  /** Tenants the entries are spread over (one semantic scope each). 1 = the single-scope worst case. */
  scopes?: number;
  /** Timed lookups per measure, in each tier (1,000: a p99 of 200 would be its second-worst sample). */
  lookups?: number;
  /** The store for the ClickHouse tier: default an embedded chDB in a temp dir; `none` skips it. */
  store?: SpanStore | 'none';
  log?: (line: string) => void;
}

export interface TierFigures {
  loadMs: number;
  exactP50Ms: number;
  exactP99Ms: number;
  semanticP50Ms: number;
  semanticP99Ms: number;
  /** Share of paraphrase lookups whose nearest entry was the one they paraphrase. */
  semanticRecall: number;
}

export interface CacheBenchReport {
  entries: number;
  dims: number;
  scopes: number;
  hot: TierFigures;
  clickhouse: TierFigures | { skipped: string };
  /** 1-minute load average when the bench ended (timings on a busy machine are tails of contention). */
  loadAverage: number;
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/** Deterministic pseudo-random numbers in [-0.5, 0.5) (the simulator's PRNG, centred). */
function rng(seed: number): () => number {
  const next = createRng(seed);
  return () => next() - 0.5;
}

interface Fixture {
  entries: StoredEntry[];
  json: string[];
  /** A paraphrase of entry i: its vector plus a little noise. */
  query(i: number): Float32Array;
}

/**
 * Synthetic entries: vectors clustered around topics (as real questions are), spread over
 * `scopes` tenants, each with a small answer. Keys are real exact keys.
 */
function fixture(n: number, dims: number, scopes: number, nowMs: number): Fixture {
  const r = rng(7);
  const topics = Array.from({ length: Math.max(1, Math.floor(n / 50)) }, () => normalise(Array.from({ length: dims }, r))!);
  const entries: StoredEntry[] = [];
  const json: string[] = [];
  for (let i = 0; i < n; i++) {
    const tenant = `team:bench-${i % scopes}`;
    const body = { messages: [{ role: 'user', content: `bench question ${i}` }] };
    const answer: CachedAnswer = { v: 1, id: `chatcmpl-${i}`, model: 'bench-model', created: 0, choices: [{ index: 0, message: { role: 'assistant', content: `Answer number ${i}: a short cached reply of a few words.` }, finish_reason: 'stop' }], usage: { inputTokens: 20, outputTokens: 15, cachedInputTokens: 0, estimated: false }, servedBy: 'bench/bench-model' };
    const vector = normalise(Array.from(topics[i % topics.length], (x) => x + 0.2 * r()))!;
    entries.push({ key: exactKey({ tenant, template: '', route: { group: 'bench', targets: ['bench/bench-model'] }, body }), tenant, route: 'bench', template: '', scope: `scope-${i % scopes}`, answer, createdAtMs: nowMs, expiresAtMs: nowMs + 86_400_000, vector });
    json.push(JSON.stringify(answer));
  }
  return { entries, json, query: (i) => normalise(Array.from(entries[i].vector!, (x) => x + 0.01 * r()))! };
}

async function timed(count: number, pick: () => number, f: (i: number) => Promise<boolean> | boolean): Promise<{ lat: number[]; ok: number }> {
  const lat: number[] = [];
  let ok = 0;
  for (let k = 0; k < count; k++) {
    const i = pick();
    const t = performance.now();
    if (await f(i)) ok++;
    lat.push(performance.now() - t);
  }
  return { lat, ok };
}

async function benchHot(fx: Fixture, lookups: number, nowMs: number): Promise<TierFigures> {
  const hot = new HotTier(64 * 1024 * 1024 * 1024);
  const t0 = performance.now();
  fx.entries.forEach((e, i) => hot.put({ key: e.key, tenant: e.tenant, scope: e.scope, vector: e.vector, answer: e.answer, sizeBytes: entrySizeBytes(fx.json[i], e.vector), createdAtMs: e.createdAtMs, expiresAtMs: e.expiresAtMs }, nowMs));
  const loadMs = performance.now() - t0;
  const r = rng(11);
  const pick = () => Math.floor((r() + 0.5) * fx.entries.length);
  const exact = await timed(lookups, pick, (i) => {
    const e = fx.entries[i];
    const key = exactKey({ tenant: e.tenant, template: '', route: { group: 'bench', targets: ['bench/bench-model'] }, body: { messages: [{ role: 'user', content: `bench question ${i}` }] } });
    return hot.getExact(key, e.tenant, nowMs) !== undefined;
  });
  const queries = new Map<number, Float32Array>();
  const semantic = await timed(lookups, () => {
    const i = pick();
    queries.set(i, fx.query(i));
    return i;
  }, (i) => hot.nearest(fx.entries[i].scope, fx.entries[i].tenant, queries.get(i)!, nowMs)?.entry.key === fx.entries[i].key);
  return { loadMs, exactP50Ms: pct(exact.lat, 50), exactP99Ms: pct(exact.lat, 99), semanticP50Ms: pct(semantic.lat, 50), semanticP99Ms: pct(semantic.lat, 99), semanticRecall: semantic.ok / lookups };
}

/**
 * Waits (at most 3 min) until background merges in the store are done: merging the bench
 * tables' parts rebuilds their HNSW indexes, and in `npm run bench` the ingest bench has just
 * filled `otel_traces`; either would compete with the timed lookups.
 */
async function mergesSettled(store: SpanStore, log: (l: string) => void): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const [row] = await store.query<{ n: string }>(`SELECT count() AS n FROM system.merges`);
    if (Number(row?.n ?? 0) === 0) return;
    log('  clickhouse tier: waiting for background merges');
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

async function benchStore(store: SpanStore, fx: Fixture, lookups: number, nowMs: number, log: (l: string) => void): Promise<TierFigures> {
  const table = `llm_cache_bench_${Date.now()}`;
  const tier = new ClickHouseTier(store, table);
  const t0 = performance.now();
  const BATCH = 10_000;
  for (let i = 0; i < fx.entries.length; i += BATCH) {
    await tier.putMany(fx.entries.slice(i, i + BATCH).map((entry, k) => ({ entry, answerJson: fx.json[i + k] })));
    log(`  clickhouse tier: loaded ${Math.min(i + BATCH, fx.entries.length)} entries`);
  }
  const loadMs = performance.now() - t0;
  await mergesSettled(store, log);
  const r = rng(13);
  const pick = () => Math.floor((r() + 0.5) * fx.entries.length);
  const exact = await timed(lookups, pick, async (i) => (await tier.get(fx.entries[i].tenant, [fx.entries[i].key], nowMs)).get(fx.entries[i].key)?.kind === 'live');
  const semantic = await timed(lookups, pick, async (i) => {
    const e = fx.entries[i];
    const near = await tier.nearest(e.scope, e.tenant, fx.query(i), nowMs, 3);
    return near[0]?.key === e.key && near[0].found.kind === 'live';
  });
  const vectors = vectorTableOf({ database: store.info.database, table, cluster: store.info.cluster }, fx.entries[0].vector!.length);
  for (const t of [table, vectors]) await store.command(`DROP TABLE IF EXISTS \`${store.info.database}\`.\`${t}\``).catch(() => {});
  return { loadMs, exactP50Ms: pct(exact.lat, 50), exactP99Ms: pct(exact.lat, 99), semanticP50Ms: pct(semantic.lat, 50), semanticP99Ms: pct(semantic.lat, 99), semanticRecall: semantic.ok / lookups };
}

/**
 * `npm run bench`: cache lookup time at `entries` entries, exact and semantic, on the hot
 * tier and on the ClickHouse tier (goals: p99 ≤ 2 ms and ≤ 10 ms). The timed store lookups
 * are the same calls the cache stage makes (the semantic one: a search of the vector table,
 * which holds the entries); the hot-tier exact lookup includes computing the key.
 */
export async function benchCacheLookup(opts: CacheBenchOptions = {}): Promise<CacheBenchReport> {
  const entries = opts.entries ?? 100_000;
  const dims = opts.dims ?? 256;
  const scopes = opts.scopes ?? 100;
  const lookups = opts.lookups ?? 1_000;
  const log = opts.log ?? (() => {});
  const nowMs = Date.now();
  const fx = fixture(entries, dims, scopes, nowMs);
  log(`cache bench: ${entries} entries, ${dims} dims, ${scopes} scopes`);
  const hot = await benchHot(fx, lookups, nowMs);
  let clickhouse: CacheBenchReport['clickhouse'];
  if (opts.store === 'none') clickhouse = { skipped: 'no store' };
  else {
    let store = opts.store;
    let tempDir: string | undefined;
    try {
      if (!store) {
        tempDir = mkdtempSync(join(tmpdir(), 'sluice-cache-bench-'));
        store = openStore(StoreConfigSchema.parse({ mode: 'embedded', path: join(tempDir, 'chdb'), requestTimeoutMs: 60_000 }), { env: {} });
      }
      clickhouse = await benchStore(store, fx, lookups, nowMs, log);
    } catch (err) {
      clickhouse = { skipped: err instanceof Error ? err.message : String(err) };
    } finally {
      if (tempDir !== undefined) {
        await store?.close();
        rmSync(tempDir, { recursive: true, force: true });
      }
    }
  }
  return { entries, dims, scopes, hot, clickhouse, loadAverage: loadavg()[0] };
}
