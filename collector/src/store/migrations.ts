import { CollectorError } from '../errors.js';
import {
  createDatabase,
  createMigrationsTable,
  createOtelTraces,
  createTraceIdTsTable,
  createTraceIdTsView,
  enableOtelTracesDedup,
  modifyTtl,
  qname,
  TTL_TABLES,
  type DdlContext,
} from './ddl.js';
import {
  createLlmCalls,
  createLlmCallsView,
  createLlmUsage1m,
  createLlmUsage1mView,
  createToolCalls,
  createToolCallsView,
  createToolUsage1m,
  createToolUsage1mView,
} from './ddl-views.js';
import type { SpanStore } from './store.js';

export interface Migration {
  version: number;
  name: string;
  statements(ctx: DdlContext): string[];
}

/**
 * The schema's history, append-only: never edit a shipped migration, add one. Every
 * statement is idempotent (`IF NOT EXISTS`, `MODIFY SETTING`), so a migration interrupted
 * before it was recorded is simply run again.
 */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'otel_traces', statements: (c) => [createOtelTraces(c)] },
  { version: 2, name: 'otel_traces_trace_id_ts', statements: (c) => [createTraceIdTsTable(c), createTraceIdTsView(c)] },
  { version: 3, name: 'otel_traces_dedup_window', statements: (c) => enableOtelTracesDedup(c) },
  { version: 4, name: 'llm_calls', statements: (c) => [createLlmCalls(c), createLlmCallsView(c)] },
  { version: 5, name: 'tool_calls', statements: (c) => [createToolCalls(c), createToolCallsView(c)] },
  { version: 6, name: 'llm_usage_1m', statements: (c) => [createLlmUsage1m(c), createLlmUsage1mView(c)] },
  { version: 7, name: 'tool_usage_1m', statements: (c) => [createToolUsage1m(c), createToolUsage1mView(c)] },
];

export interface MigrateResult {
  /** Versions applied by this run (empty when the schema was current). */
  applied: number[];
  /** Tables whose TTL was changed to the configured retention. */
  retentionChanged: string[];
}

export const ddlContext = (store: SpanStore): DdlContext => ({
  database: store.info.database,
  cluster: store.info.cluster,
  retentionDays: store.info.retentionDays,
});

/** Every statement a fresh install runs, in order (for review and cluster-mode tests). */
export function renderSchema(ctx: DdlContext): string[] {
  return [createDatabase(ctx), createMigrationsTable(ctx), ...MIGRATIONS.flatMap((m) => m.statements(ctx))];
}

/**
 * Brings the store's schema up to date: creates the database and the
 * `sluice_schema_migrations` table, applies missing migrations in order, then aligns
 * every table's TTL with `retentionDays`. Safe to run on every start and concurrently.
 */
export async function migrate(store: SpanStore): Promise<MigrateResult> {
  const ctx = ddlContext(store);
  const applied: number[] = [];
  try {
    await store.command(createDatabase(ctx));
    await store.command(createMigrationsTable(ctx));
    const done = new Set(
      (await store.query<{ version: number }>(`SELECT DISTINCT version FROM ${qname(ctx, 'sluice_schema_migrations')}`)).map((r) => Number(r.version)),
    );
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      for (const sql of m.statements(ctx)) await store.command(sql);
      await store.command(
        `INSERT INTO ${qname(ctx, 'sluice_schema_migrations')} (version, name) VALUES (${m.version}, '${m.name}')`,
      );
      applied.push(m.version);
    }
    const retentionChanged = await syncRetention(store, ctx);
    // chDB sessions have no client-side default database; a server client names its own.
    if (store.info.mode === 'embedded') await store.command(`USE \`${ctx.database}\``);
    return { applied, retentionChanged };
  } catch (err) {
    throw new CollectorError('COL_MIGRATION_FAILED', `schema migration on ${store.info.location} failed: ${(err as Error).message}`, { cause: err });
  }
}

/** Changes the TTL of tables whose definition does not carry the configured retention. */
async function syncRetention(store: SpanStore, ctx: DdlContext): Promise<string[]> {
  const rows = await store.query<{ name: string; engine_full: string }>(
    'SELECT name, engine_full FROM system.tables WHERE database = {db:String}',
    { db: ctx.database },
  );
  const wanted = `toIntervalDay(${ctx.retentionDays})`;
  const changed: string[] = [];
  for (const t of TTL_TABLES) {
    const row = rows.find((r) => r.name === t.table);
    if (row === undefined || row.engine_full.includes(wanted)) continue;
    await store.command(modifyTtl(ctx, t.table, t.timeExpr));
    changed.push(t.table);
  }
  return changed;
}
