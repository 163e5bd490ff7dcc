import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers.js';
import { StoreConfigSchema } from '../config.js';
import { acquireChdb, openChdbPath } from './chdb-engine.js';
import { createClickHouseStore } from './clickhouse-store.js';
import { genAiTraceRequest } from '../../bench/genai-spans.js';
import { encodeSpanRows } from '../model/span-row.js';
import { encodeSpanRowsNative } from '../model/span-block-native.js';
import { encodeSpanRowsTsv } from '../model/span-row-tsv.js';
import { rowsOf } from './store.contract.js';
import { migrate } from './migrations.js';
import { openStore } from './open-store.js';
import { storeContract } from './store.contract.js';

// chDB is one engine per process; vitest runs this file in its own fork with its own path.
let root: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  root = await tempDir('chdb-store');
});
afterAll(async () => {
  await root.cleanup();
});

storeContract('embedded chDB', async () => {
  const store = openStore(StoreConfigSchema.parse({ path: join(root.dir, 'chdb') }), { env: {} });
  return { store, cleanup: () => store.close() };
});

describe('embedded store specifics', () => {
  it('shares the one engine between stores on the same path and refuses another path', async () => {
    const path = join(root.dir, 'chdb');
    const a = openStore(StoreConfigSchema.parse({ path }), { env: {} });
    const b = openStore(StoreConfigSchema.parse({ path }), { env: {} });
    expect(() => openStore(StoreConfigSchema.parse({ path: join(root.dir, 'other') }), { env: {} })).toThrow(
      expect.objectContaining({ code: 'COL_STORE_ENGINE_BUSY' }),
    );
    await a.close();
    await a.close(); // idempotent
    expect(await b.ping()).toBe(true);
    await b.close();
    expect(openChdbPath()).toBeUndefined();
  });

  it('the generic client insert path (the one servers use) deduplicates on chDB too, in the text formats', async () => {
    const handle = acquireChdb(join(root.dir, 'chdb'));
    const generic = createClickHouseStore(
      { mode: 'embedded', location: handle.path, database: 'otel', cluster: undefined, retentionDays: 30 },
      { client: handle.client, readonly: async () => ({ client: await handle.readonlyClient(), settings: {} }), release: () => handle.release() },
    );
    try {
      await migrate(generic);
      const body = encodeSpanRows(rowsOf(genAiTraceRequest(3, { agent: 'generic-path' })));
      await generic.insertJsonEachRow('otel_traces', body, { dedupToken: 'generic-1' });
      await generic.insertJsonEachRow('otel_traces', body, { dedupToken: 'generic-1' });
      // …and so does the TabSeparated body earlier versions spooled. (The Native body the
      // spool keeps now cannot take this path on chDB: its client connection passes insert
      // bodies as UTF-8 text. clickhouse-store.test.ts checks the bytes the client sends a
      // server, and runs the store contract against one when CLICKHOUSE_URL is set.)
      const tsv = encodeSpanRowsTsv(rowsOf(genAiTraceRequest(2, { agent: 'generic-path' }, 10)));
      await generic.insertBody('otel_traces', tsv, 'TabSeparated', { dedupToken: 'generic-2' });
      await generic.insertBody('otel_traces', tsv, 'TabSeparated', { dedupToken: 'generic-2' });
      const [r] = await generic.query<{ t: number; c: number }>(
        "SELECT (SELECT count() FROM otel.otel_traces WHERE SpanAttributes['sluice.agent'] = 'generic-path') AS t, (SELECT count() FROM otel.llm_calls WHERE agent = 'generic-path') AS c",
      );
      expect([Number(r?.t), Number(r?.c)]).toEqual([5, 5]);
    } finally {
      await generic.close();
    }
  });

  it('inserts sent beside one in flight (on a second session) are deduplicated and reach every view', async () => {
    const store = openStore(StoreConfigSchema.parse({ path: join(root.dir, 'chdb') }), { env: {} });
    try {
      await migrate(store);
      const bodies = [0, 10, 20].map((offset) => encodeSpanRowsNative(rowsOf(genAiTraceRequest(3, { agent: 'parallel-path' }, offset))));
      const send = () => Promise.all(bodies.map((b, i) => store.insertBody('otel_traces', b, 'Native', { dedupToken: `parallel-${i}`, parallel: true })));
      await send();
      await send(); // resent: each on whichever session is free this time
      const [r] = await store.query<{ t: number; c: number }>(
        "SELECT (SELECT count() FROM otel.otel_traces WHERE SpanAttributes['sluice.agent'] = 'parallel-path') AS t, (SELECT count() FROM otel.llm_calls WHERE agent = 'parallel-path') AS c",
      );
      expect([Number(r?.t), Number(r?.c)]).toEqual([9, 9]);
    } finally {
      await store.close();
    }
  });

  it('leaves no insert body behind, after a good insert or a refused one, and clears what a dead process left', async () => {
    const path = join(root.dir, 'chdb');
    const bodies = join(path, 'insert-bodies');
    // A body left by a process that no longer runs (pid 2^22 + 1 is above Linux's maximum),
    // and one of a process that does (this one: a store opened elsewhere in it may own it).
    mkdirSync(bodies, { recursive: true });
    writeFileSync(join(bodies, 'insert-4194305-1.tsv'), 'x');
    writeFileSync(join(bodies, `insert-${process.pid}-999999.tsv`), 'x');
    const store = openStore(StoreConfigSchema.parse({ path }), { env: {} });
    try {
      expect(readdirSync(bodies)).toEqual([`insert-${process.pid}-999999.tsv`]);
      rmSync(join(bodies, `insert-${process.pid}-999999.tsv`));
      await migrate(store);
      await store.insertBody('otel_traces', encodeSpanRowsNative(rowsOf(genAiTraceRequest(2, { agent: 'body-files' }))), 'Native');
      await expect(store.insertBody('otel_traces', 'not a Native block', 'Native')).rejects.toThrow();
      expect(readdirSync(bodies)).toEqual([]);
      const [r] = await store.query<{ t: number }>("SELECT count() AS t FROM otel.otel_traces WHERE SpanAttributes['sluice.agent'] = 'body-files'");
      expect(Number(r?.t)).toBe(2);
    } finally {
      await store.close();
    }
  });

  it('applies a changed retention to every table, once', async () => {
    const path = join(root.dir, 'chdb');
    const s7 = openStore(StoreConfigSchema.parse({ path, retentionDays: 7 }), { env: {} });
    try {
      await migrate(s7);
      const changed = await migrateWith(path, 9);
      expect(changed.retentionChanged.sort()).toEqual(['llm_calls', 'llm_usage_1m', 'otel_traces', 'otel_traces_trace_id_ts', 'tool_calls', 'tool_usage_1m']);
      const rows = await s7.query<{ name: string; engine_full: string }>("SELECT name, engine_full FROM system.tables WHERE database = 'otel' AND engine_full LIKE '%TTL%'");
      expect(rows).toHaveLength(6);
      for (const r of rows) expect(r.engine_full, r.name).toContain('toIntervalDay(9)');
      expect((await migrateWith(path, 9)).retentionChanged).toEqual([]);
    } finally {
      await s7.close();
    }
  });
});

/** Migrates through another handle on the open engine, configured with another retention. */
async function migrateWith(path: string, retentionDays: number) {
  const s = openStore(StoreConfigSchema.parse({ path, retentionDays }), { env: {} });
  try {
    return await migrate(s);
  } finally {
    await s.close();
  }
}
