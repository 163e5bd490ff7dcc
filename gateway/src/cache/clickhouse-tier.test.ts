import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpanStore, StoreConfigSchema, openStore } from '../../../collector/src/index.js';
import { eventually } from '../../test/harness.js';
import { legacyVectorTableOf } from './cache-ddl.js';
import type { CachedAnswer } from './cached-answer.js';
import { ClickHouseTier, type StoredEntry, nearestSql } from './clickhouse-tier.js';
import { normalise } from './vector-set.js';

// The store tier against an embedded chDB: how its vector search reads the table, scoping,
// and the upgrade from the v1 vector table.
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
  const rows = await store.query<{ explain: string }>(`EXPLAIN indexes = 1 ${nearestSql(ddl, DIMS, 3)}`, { v: Array.from(vec(0)), scope, tenant, now: nowMs });
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

  it('copies the vectors of a v1 store into the new table once', async () => {
    const table = 'tier_upgrade';
    const db = store.info.database;
    const legacy = legacyVectorTableOf({ database: db, table, cluster: undefined }, DIMS);
    await store.command(`CREATE TABLE \`${db}\`.\`${legacy}\` (scope String, key String, tenant LowCardinality(String), created_at DateTime64(3, 'UTC'), expires_at DateTime64(3, 'UTC'), embedding Array(Float32)) ENGINE = MergeTree ORDER BY (scope, key)`);
    const time = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
    const row = (key: string, expiresAtMs: number) => JSON.stringify({ scope: 'scope-u', key, tenant: 'team:u', created_at: time(nowMs), expires_at: time(expiresAtMs), embedding: Array.from(vec(2)) });
    await store.insertJsonEachRow(legacy, [row('kept', nowMs + 3_600_000), row('expired', nowMs - 1)].join('\n'));
    // The answers are in llm_cache already (a v1 put wrote both).
    const tier = new ClickHouseTier(store, table);
    await tier.ensure();
    await store.insertJsonEachRow(table, JSON.stringify({ key: 'kept', tenant: 'team:u', route: 'r', template: '', scope: 'scope-u', answer: JSON.stringify(answer('kept')), input_tokens: 1, output_tokens: 1, cached_input_tokens: 0, served_by: '', created_at: time(nowMs), expires_at: time(nowMs + 3_600_000), embedding: Array.from(vec(2)) }));

    await tier.nearest('scope-u', 'team:u', vec(2), nowMs, 3);
    await tier.upgraded;
    const near = await eventually(() => tier.nearest('scope-u', 'team:u', vec(2), nowMs, 3), (r) => r.length > 0);
    expect(near.map((c) => c.key)).toEqual(['kept']);
    expect((await tier.get('team:u', ['kept'], nowMs)).get('kept')?.kind).toBe('live');
    const [count] = await store.query<{ n: string }>(`SELECT count() AS n FROM \`${db}\`.\`${table}_vectors_v2_d${DIMS}\``);
    expect(Number(count.n)).toBe(1);

    // A second tier on the same store finds the table and copies nothing again.
    const again = new ClickHouseTier(store, table);
    await again.nearest('scope-u', 'team:u', vec(2), nowMs, 3);
    await again.upgraded;
    const [after] = await store.query<{ n: string }>(`SELECT count() AS n FROM \`${db}\`.\`${table}_vectors_v2_d${DIMS}\``);
    expect(Number(after.n)).toBe(1);
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
