import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpanStore, StoreConfigSchema, openStore } from '../../../collector/src/index.js';
import { eventually } from '../../test/harness.js';
import { vectorTableOf } from './cache-ddl.js';
import type { CachedAnswer } from './cached-answer.js';
import { ClickHouseTier, type StoredEntry, nearestSql, vectorHex } from './clickhouse-tier.js';
import { normalise } from './vector-set.js';

// The store tier against an embedded chDB: how its vector search reads the table, scoping,
// how the vector table follows refreshes, drops and expiry in llm_cache, and the fill of a new
// vector table from llm_cache.
const dir = mkdtempSync(join(tmpdir(), 'sluice-cache-tier-'));
let store: SpanStore;
const DIMS = 8;
const nowMs = Date.now();

beforeAll(() => {
  store = openStore(StoreConfigSchema.parse({ mode: 'embedded', path: join(dir, 'chdb') }), { env: {} });
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const answer = (content: string): CachedAnswer => ({
  v: 1,
  id: `chatcmpl-${content}`,
  model: 'm',
  created: 0,
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  usage: { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0, estimated: false },
});

/** A unit vector near axis `axis` (`wobble` tilts it towards the next axis). */
const vec = (axis: number, wobble = 0): Float32Array => normalise(Array.from({ length: DIMS }, (_, i) => (i === axis ? 1 : i === (axis + 1) % DIMS ? wobble : 0)))!;

const entry = (key: string, tenant: string, scope: string, vector: Float32Array): StoredEntry => ({
  key, tenant, route: 'r', template: '', scope, answer: answer(key), createdAtMs: nowMs, expiresAtMs: nowMs + 3_600_000, vector,
});

const putAll = (tier: ClickHouseTier, entries: StoredEntry[]) => tier.putMany(entries.map((e) => ({ entry: e, answerJson: JSON.stringify(e.answer) })));

/** What the search reads from the vector table, per `EXPLAIN indexes = 1`. */
async function readOutput(table: string, scope: string, tenant: string): Promise<string> {
  const ddl = { database: store.info.database, table, cluster: undefined };
  const rows = await store.query<{ explain: string }>(`EXPLAIN indexes = 1 ${nearestSql(ddl, DIMS, 3)}`, { v: vectorHex(vec(0), true), scope, tenant, now: nowMs });
  const lines = rows.map((r) => r.explain);
  // The columns the table read produces (the first `Output:` after `ReadFromMergeTree`).
  return lines.slice(lines.findIndex((l) => l.includes('ReadFromMergeTree'))).find((l) => l.includes('Output:')) ?? '';
}

describe('ClickHouse tier vector search', () => {
  it('uses the HNSW index where the primary key cannot narrow a part, else searches the scope exactly', async () => {
    const alone = new ClickHouseTier(store, 'tier_alone');
    await putAll(alone, Array.from({ length: 40 }, (_, i) => entry(`a${i}`, 'team:a', 'scope-a', vec(i % DIMS, i / 40))));
    // The index answers with distances (the `_distance` virtual column): no vector is read.
    expect(await readOutput('tier_alone', 'scope-a', 'team:a')).toContain('_distance');
    expect((await alone.nearest('scope-a', 'team:a', vec(3, 11 / 40), nowMs, 3))[0]).toMatchObject({ key: 'a11' });

    // Two scopes over four 128-row granules: the primary key leaves out the other scope's
    // granule, and the scope's rows are read and compared exactly (pre-filtering).
    const shared = new ClickHouseTier(store, 'tier_shared');
    await putAll(shared, Array.from({ length: 400 }, (_, i) => entry(`s${i}`, `team:${i % 2}`, `scope-${i % 2}`, vec(i % DIMS, i / 400))));
    const output = await readOutput('tier_shared', 'scope-1', 'team:1');
    expect(output).toContain('embedding');
    expect(output).not.toContain('_distance');
    expect((await shared.nearest('scope-1', 'team:1', vec(3, 11 / 400), nowMs, 3))[0]).toMatchObject({ key: 's11' });
  });

  it('never returns another scope or tenant, however near its vectors', async () => {
    const tier = new ClickHouseTier(store, 'tier_scoped');
    await putAll(tier, [
      entry('mine', 'team:a', 'scope-a', vec(1, 0.5)),
      entry('theirs', 'team:b', 'scope-b', vec(0)),
      entry('other-scope', 'team:a', 'scope-a2', vec(0)),
    ]);
    expect((await tier.nearest('scope-a', 'team:a', vec(0), nowMs, 3)).map((c) => c.key)).toEqual(['mine']);
    // The tenant is checked as well as the scope.
    expect(await tier.nearest('scope-b', 'team:a', vec(0), nowMs, 3)).toEqual([]);
    const found = await tier.get('team:a', ['mine', 'theirs'], nowMs);
    expect([...found.keys()]).toEqual(['mine']);
  });

  it('fills a new vector table once from the live semantic entries of llm_cache (a store written by an older version)', async () => {
    const table = 'tier_upgrade';
    const db = store.info.database;
    const time = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
    const row = (key: string, o: { scope?: string; createdAtMs?: number; expiresAtMs?: number; embedding?: number[] } = {}) => JSON.stringify({
      key, tenant: 'team:u', route: 'r', template: '', scope: o.scope ?? 'scope-u', answer: JSON.stringify(answer(key)), input_tokens: 1, output_tokens: 1, cached_input_tokens: 0, served_by: '',
      created_at: time(o.createdAtMs ?? nowMs), expires_at: time(o.expiresAtMs ?? nowMs + 3_600_000), embedding: o.embedding ?? Array.from(vec(2)),
    });
    // What older versions left in llm_cache (their vector tables are not read): a live entry, an
    // expired one, one refreshed without a vector since, and one dropped since (the newer rows
    // in a part of their own, as a later write puts them).
    const tier = new ClickHouseTier(store, table);
    await tier.ensure();
    await store.insertJsonEachRow(table, [row('kept'), row('expired', { expiresAtMs: nowMs - 1 }), row('refreshed', { createdAtMs: nowMs - 1_000 }), row('dropped', { createdAtMs: nowMs - 1_000 })].join('\n'));
    await store.insertJsonEachRow(table, [row('refreshed', { scope: '', embedding: [] }), row('dropped', { scope: '', expiresAtMs: nowMs, embedding: [] })].join('\n'));

    await tier.nearest('scope-u', 'team:u', vec(2), nowMs, 3);
    await tier.upgraded;
    const near = await eventually(() => tier.nearest('scope-u', 'team:u', vec(2), nowMs, 3), (r) => r.length > 0);
    expect(near.map((c) => c.key)).toEqual(['kept']);
    expect((await tier.get('team:u', ['kept'], nowMs)).get('kept')?.kind).toBe('live');
    const [count] = await store.query<{ n: string }>(`SELECT count() AS n FROM \`${db}\`.\`${table}_vectors_v3_d${DIMS}\``);
    expect(Number(count.n)).toBe(1);

    // A second tier on the same store finds the table and copies nothing again.
    const again = new ClickHouseTier(store, table);
    await again.nearest('scope-u', 'team:u', vec(2), nowMs, 3);
    await again.upgraded;
    const [after] = await store.query<{ n: string }>(`SELECT count() AS n FROM \`${db}\`.\`${table}_vectors_v3_d${DIMS}\``);
    expect(Number(after.n)).toBe(1);
  });
});

/** A vector on the far side of the fillers' (negative on `axis`), tilted by `wobble` towards the next axis. */
const away = (axis: number, wobble = 0): Float32Array => normalise(Array.from({ length: DIMS }, (_, i) => (i === axis ? -1 : i === (axis + 1) % DIMS ? wobble : 0)))!;

/** Another version of an entry: stored at `createdAtMs`, answering `content`. */
const version = (e: StoredEntry, createdAtMs: number, content: string, o: Partial<StoredEntry> = {}): StoredEntry => ({ ...e, createdAtMs, answer: answer(content), ...o });

let tables = 0;

/**
 * A tier whose scope `scope-v` (tenant `team:v`) is searched through the graph (`graph`: its
 * part holds only that scope) or exactly (`exact`: it holds another scope too), loaded in one
 * insert with fillers (far from `away` vectors) and `first`.
 */
async function layout(kind: 'graph' | 'exact', first: StoredEntry[]): Promise<{ tier: ClickHouseTier; table: string }> {
  const table = `tier_${kind}_${tables++}`;
  const tier = new ClickHouseTier(store, table);
  const filler = kind === 'graph'
    ? Array.from({ length: 40 }, (_, i) => entry(`f${i}`, 'team:v', 'scope-v', vec(i % DIMS, i / 40)))
    : Array.from({ length: 400 }, (_, i) => entry(`f${i}`, i % 2 ? 'team:v' : 'team:w', i % 2 ? 'scope-v' : 'scope-w', vec(i % DIMS, i / 400)));
  await putAll(tier, [...filler, ...first]);
  const output = await readOutput(table, 'scope-v', 'team:v');
  if (kind === 'graph') expect(output).toContain('_distance');
  else expect(output).not.toContain('_distance');
  return { tier, table };
}

/** What a semantic lookup in `scope` near `v` finds (similarity ≥ 0.5): `key:content`, nearest first. */
async function found(tier: ClickHouseTier, v: Float32Array, atMs = nowMs, scope = 'scope-v'): Promise<string[]> {
  const near = await tier.nearest(scope, 'team:v', v, atMs, 3, 0.5);
  return near.map((c) => `${c.key}:${c.found.kind === 'live' ? c.found.entry.answer.choices[0]?.message.content : c.found.kind}`);
}

/** Merges the parts of a tier's tables, each into one. */
async function merge(table: string): Promise<void> {
  const ddl = { database: store.info.database, table, cluster: undefined };
  for (const t of [table, vectorTableOf(ddl, DIMS)]) await store.command(`OPTIMIZE TABLE \`${ddl.database}\`.\`${t}\` FINAL`);
}

describe('ClickHouse tier semantic entries follow llm_cache', () => {
  const kinds = ['graph', 'exact'] as const;

  it.each(kinds)('a refresh in the same scope serves the new answer only, near the old vector too (%s search)', async (kind) => {
    const k = entry('k', 'team:v', 'scope-v', away(0));
    const { tier, table } = await layout(kind, [version(k, nowMs - 2_000, 'k-old')]);
    await putAll(tier, [version(k, nowMs - 1_000, 'k-new', { vector: away(0, 0.05) })]);
    expect(await found(tier, away(0))).toEqual(['k:k-new']);
    expect(await found(tier, away(0, 0.05))).toEqual(['k:k-new']);
    await merge(table);
    expect(await found(tier, away(0))).toEqual(['k:k-new']);
  });

  it.each(kinds)('versions of a key take one place, and a drop hides them all: the next key is served (%s search)', async (kind) => {
    const k = entry('k', 'team:v', 'scope-v', away(0));
    const j = entry('j', 'team:v', 'scope-v', away(0, 0.3));
    const { tier, table } = await layout(kind, [version(k, nowMs - 4_000, 'k-1'), version(j, nowMs - 4_000, 'j-1')]);
    await putAll(tier, [version(k, nowMs - 3_000, 'k-2', { vector: away(0, 0.01) })]);
    await putAll(tier, [version(k, nowMs - 2_000, 'k-3', { vector: away(0, 0.02) })]);
    expect(await found(tier, away(0))).toEqual(['k:k-3', 'j:j-1']);
    await tier.drop('team:v', 'k', nowMs - 1_000);
    expect(await found(tier, away(0))).toEqual(['j:j-1']);
    expect((await tier.get('team:v', ['k'], nowMs)).get('k')).toEqual({ kind: 'gone' });
    await merge(table);
    expect(await found(tier, away(0))).toEqual(['j:j-1']);
  });

  it.each(kinds)('a refresh without a vector, or stored again under another scope, hides the semantic entry (%s search)', async (kind) => {
    const k = entry('k', 'team:v', 'scope-v', away(0));
    const m = entry('m', 'team:v', 'scope-v', away(0, 0.3));
    const { tier, table } = await layout(kind, [version(k, nowMs - 2_000, 'k-1'), version(m, nowMs - 2_000, 'm-1')]);
    // The embeddings call failed on the refresh: the answer is stored for exact hits only.
    await putAll(tier, [version(k, nowMs - 1_000, 'k-exact', { scope: '', vector: undefined })]);
    // The route's semantic settings changed: the same request has another scope.
    await putAll(tier, [version(m, nowMs - 1_000, 'm-x', { scope: 'scope-x' })]);
    expect(await found(tier, away(0))).toEqual([]);
    expect(await found(tier, away(0), nowMs, 'scope-x')).toEqual(['m:m-x']);
    const exact = (await tier.get('team:v', ['k'], nowMs)).get('k');
    expect(exact?.kind === 'live' && exact.entry.answer.choices[0]?.message.content).toBe('k-exact');
    await merge(table);
    expect(await found(tier, away(0))).toEqual([]);
  });

  it('a replica that has not used the vector table yet hides the entry too', async () => {
    const k = entry('k', 'team:v', 'scope-v', away(0));
    const { tier, table } = await layout('exact', [version(k, nowMs - 2_000, 'k-1')]);
    const replica = new ClickHouseTier(store, table);
    await replica.put(version(k, nowMs - 1_000, 'k-exact', { scope: '', vector: undefined }), JSON.stringify(answer('k-exact')));
    expect(await found(tier, away(0))).toEqual([]);
  });

  it('serves an entry until it expires; a newer version that expires first does not bring back the older one', async () => {
    const tier = new ClickHouseTier(store, 'tier_expiry');
    const k = entry('k', 'team:v', 'scope-v', away(0));
    const j = entry('j', 'team:v', 'scope-v', away(0, 0.3));
    await putAll(tier, [version(k, nowMs - 2_000, 'k-1', { expiresAtMs: nowMs + 10_000 }), version(j, nowMs - 2_000, 'j-1', { expiresAtMs: nowMs + 60_000 })]);
    expect(await found(tier, away(0))).toEqual(['k:k-1', 'j:j-1']);
    expect(await found(tier, away(0), nowMs + 10_000)).toEqual(['j:j-1']);
    await putAll(tier, [version(j, nowMs - 1_000, 'j-2', { expiresAtMs: nowMs + 5_000 })]);
    expect(await found(tier, away(0))).toEqual(['k:k-1', 'j:j-2']);
    expect(await found(tier, away(0), nowMs + 6_000)).toEqual(['k:k-1']);
  });

  it('reports an answer it cannot read as corrupt; a drop hides it', async () => {
    const table = 'tier_corrupt';
    const tier = new ClickHouseTier(store, table);
    await putAll(tier, [version(entry('j', 'team:v', 'scope-v', away(0, 0.3)), nowMs - 2_000, 'j-1')]);
    // An entry another version wrote, in both tables as a put writes it, with an answer this one cannot read.
    const time = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
    const bad = { key: 'bad', tenant: 'team:v', scope: 'scope-v', answer: '{"v":99}', created_at: time(nowMs - 1_000), expires_at: time(nowMs + 60_000), embedding: Array.from(away(0)) };
    await store.insertJsonEachRow(table, JSON.stringify({ ...bad, route: 'r', template: '', input_tokens: 1, output_tokens: 1, cached_input_tokens: 0, served_by: '' }));
    await store.insertJsonEachRow(vectorTableOf({ database: store.info.database, table, cluster: undefined }, DIMS), JSON.stringify({ ...bad, gone: false }));
    expect(await found(tier, away(0))).toEqual(['bad:corrupt', 'j:j-1']);
    await tier.drop('team:v', 'bad', nowMs);
    expect(await found(tier, away(0))).toEqual(['j:j-1']);
  });
});

describe('ClickHouse tier entry lookup', () => {
  it('reads the newest row of each key, whichever part holds it: a refresh wins, a drop (expired row) wins', async () => {
    const tier = new ClickHouseTier(store, `cache_newest_${Date.now()}`);
    const at = (e: StoredEntry, createdAtMs: number, content: string, expiresAtMs = e.expiresAtMs): StoredEntry => ({ ...e, createdAtMs, expiresAtMs, answer: answer(content) });
    const a = entry('a', 'team:x', '', vec(0));
    const b = entry('b', 'team:x', '', vec(1));
    // Three inserts, three parts: the newest version of `a` sits in the middle one.
    await putAll(tier, [at(a, nowMs - 2_000, 'a-old'), at(b, nowMs - 2_000, 'b-old')]);
    await putAll(tier, [at(a, nowMs, 'a-new')]);
    await putAll(tier, [at(a, nowMs - 1_000, 'a-older-refresh'), at(b, nowMs - 1_000, 'b-dropped', nowMs - 1)]);
    const got = await tier.get('team:x', ['a', 'b', 'missing'], nowMs);
    const live = got.get('a');
    expect(live?.kind === 'live' && live.entry.answer.choices[0]?.message.content).toBe('a-new');
    expect(got.get('b')).toEqual({ kind: 'gone' });
    expect(got.has('missing')).toBe(false);
    // Another tenant's rows under the same key are never read.
    expect((await tier.get('team:y', ['a'], nowMs)).size).toBe(0);
  });
});
