import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genAiSpan, genAiTraceRequest, hexId, type OtlpJsonRequest } from '../../bench/genai-spans.js';
import { ATTR, SLUICE } from '../model/semconv.js';
import { encodeSpanRowsNative } from '../model/span-block-native.js';
import { encodeSpanRows, type SpanRow } from '../model/span-row.js';
import { decodeJsonRequest } from '../otlp/decode-json.js';
import { toRows } from '../otlp/to-rows.js';
import { migrate } from './migrations.js';
import type { SpanStore } from './store.js';

export interface ContractSubject {
  store: SpanStore;
  cleanup(): Promise<void>;
}

/** Rows as the collector would store them for an OTLP/JSON-shaped request. */
export function rowsOf(req: OtlpJsonRequest): SpanRow[] {
  const r = toRows(decodeJsonRequest(Buffer.from(JSON.stringify(req))), { maxAttributes: 256, maxValueBytes: 65536, maxEvents: 256 }, Date.now());
  return r.rows;
}

/**
 * The `SpanStore` contract: every backend (embedded chDB, ClickHouse server) must pass it.
 * `open` gives a store on an empty database.
 */
export function storeContract(name: string, open: () => Promise<ContractSubject>): void {
  describe(`SpanStore contract: ${name}`, () => {
    let subject: ContractSubject;
    let store: SpanStore;
    let db: string;
    const count = async (table: string, where = '1'): Promise<number> => {
      const [r] = await store.query<{ n: number | string }>(`SELECT count() AS n FROM \`${db}\`.${table} WHERE ${where}`);
      return Number(r?.n);
    };

    beforeAll(async () => {
      subject = await open();
      store = subject.store;
      db = store.info.database;
    });
    afterAll(async () => {
      await subject.cleanup();
    });

    it('answers ping', async () => {
      expect(await store.ping()).toBe(true);
    });

    it('migrates, and migrating again is a no-op', async () => {
      const first = await migrate(store);
      expect(first.applied).toEqual([1, 2, 3, 4, 5, 6, 7]);
      const again = await migrate(store);
      expect(again).toEqual({ applied: [], retentionChanged: [] });
      expect(await count('sluice_schema_migrations')).toBe(7);
    });

    it('inserts rows and reads them back with typed parameters', async () => {
      const rows = rowsOf(genAiTraceRequest(3, { agent: 'contract-agent' }));
      await store.insert(rows);
      const got = await store.query<{ SpanId: string }>(
        `SELECT SpanId FROM \`${db}\`.otel_traces WHERE SpanAttributes[{k:String}] = {agent:String} ORDER BY SpanId`,
        { k: SLUICE.AGENT, agent: 'contract-agent' },
      );
      expect(got.map((r) => r.SpanId)).toEqual(rows.map((r) => r.SpanId).sort());
    });

    it('inserts a body given in parts (Native blocks one after another) as one insert', async () => {
      const first = rowsOf(genAiTraceRequest(2, { agent: 'parts-agent' }));
      const second = rowsOf(genAiTraceRequest(3, { agent: 'parts-agent' }, 2));
      const parts = [encodeSpanRowsNative(first), Buffer.alloc(0), encodeSpanRowsNative(second)];
      const token = `contract-parts-${hexId(4)}`;
      await store.insertBody('otel_traces', parts, 'Native', { dedupToken: token });
      // The same parts under the same token are the same insert: stored once.
      await store.insertBody('otel_traces', parts, 'Native', { dedupToken: token });
      const got = await store.query<{ SpanId: string }>(`SELECT SpanId FROM \`${db}\`.otel_traces WHERE SpanAttributes['sluice.agent'] = 'parts-agent' ORDER BY SpanId`);
      expect(got.map((r) => r.SpanId)).toEqual([...first, ...second].map((r) => r.SpanId).sort());
      expect(await count('llm_calls', "agent = 'parts-agent'")).toBe(5);
    });

    it('stores a batch re-sent with the same dedup token once, through every view', async () => {
      const rows = rowsOf(genAiTraceRequest(4, { agent: 'dedup-agent' }));
      const body = encodeSpanRows(rows);
      const token = `contract-${hexId(4)}`;
      await store.insertJsonEachRow('otel_traces', body, { dedupToken: token });
      await store.insertJsonEachRow('otel_traces', body, { dedupToken: token });
      expect(await count('otel_traces', "SpanAttributes['sluice.agent'] = 'dedup-agent'")).toBe(4);
      expect(await count('llm_calls', "agent = 'dedup-agent'")).toBe(4);
      const [u] = await store.query<{ calls: number | string }>(`SELECT sum(calls) AS calls FROM \`${db}\`.llm_usage_1m WHERE agent = 'dedup-agent'`);
      expect(Number(u?.calls)).toBe(4);
      await store.insertJsonEachRow('otel_traces', body, { dedupToken: `${token}-other` });
      expect(await count('otel_traces', "SpanAttributes['sluice.agent'] = 'dedup-agent'")).toBe(8);
    });

    it('fans a GenAI server span out to llm_calls and llm_usage_1m with its values', async () => {
      const span = genAiSpan(0, { agent: 'fan-agent', team: 'fan-team', keyId: 'k-fan', model: 'gpt-4o', inputTokens: 120, outputTokens: 48, costMicroUsd: 3456, conversationId: 'conv-fan' });
      const req = genAiTraceRequest(0);
      req.resourceSpans[0]?.scopeSpans[0]?.spans.push(span);
      await store.insert(rowsOf(req));
      const [call] = await store.query<Record<string, unknown>>(`SELECT * FROM \`${db}\`.llm_calls WHERE agent = 'fan-agent'`);
      expect(call).toMatchObject({
        TraceId: span.traceId,
        SpanId: span.spanId,
        conversation_id: 'conv-fan',
        team: 'fan-team',
        key_id: 'k-fan',
        provider: 'openai',
        request_model: 'gpt-4o',
        status: 'ok',
        status_code: 200,
        attempts: 1,
      });
      expect(Number(call?.input_tokens)).toBe(120);
      expect(Number(call?.output_tokens)).toBe(48);
      expect(Number(call?.cost_micro_usd)).toBe(3456);
      expect(Number(call?.ttft_ms)).toBeCloseTo(120.5);
      expect(Number(call?.duration_ms)).toBeCloseTo(420);
      const [u] = await store.query<Record<string, unknown>>(`SELECT sum(calls) c, sum(input_tokens) i, sum(cost_micro_usd) m FROM \`${db}\`.llm_usage_1m WHERE agent = 'fan-agent'`);
      expect([Number(u?.c), Number(u?.i), Number(u?.m)]).toEqual([1, 120, 3456]);
    });

    it('fans an execute_tool server span out to tool_calls and tool_usage_1m', async () => {
      const span = genAiSpan(0, { agent: 'tool-agent' });
      span.name = 'tools/call search';
      span.attributes = [
        { key: ATTR.GEN_AI_OPERATION_NAME, value: { stringValue: 'execute_tool' } },
        { key: ATTR.GEN_AI_TOOL_NAME, value: { stringValue: 'search' } },
        { key: ATTR.MCP_METHOD_NAME, value: { stringValue: 'tools/call' } },
        { key: SLUICE.MCP_SERVER, value: { stringValue: 'docs' } },
        { key: SLUICE.AGENT, value: { stringValue: 'tool-agent' } },
      ];
      span.status = { code: 2, message: 'tool failed' };
      const req = genAiTraceRequest(0);
      req.resourceSpans[0]?.scopeSpans[0]?.spans.push(span);
      await store.insert(rowsOf(req));
      const calls = await store.query<Record<string, unknown>>(`SELECT server, tool, method, status FROM \`${db}\`.tool_calls WHERE agent = 'tool-agent'`);
      expect(calls).toEqual([{ server: 'docs', tool: 'search', method: 'tools/call', status: 'error' }]);
      const [u] = await store.query<Record<string, unknown>>(`SELECT sum(calls) c, sum(errors) e FROM \`${db}\`.tool_usage_1m WHERE agent = 'tool-agent'`);
      expect([Number(u?.c), Number(u?.e)]).toEqual([1, 1]);
      expect(await count('llm_calls', "agent = 'tool-agent'")).toBe(0);
    });

    it('runs read-only queries in any format and refuses writes, DDL and multi-statements', async () => {
      const csv = await store.queryReadonly(`SELECT 1 AS a, 'x' AS b`, 'CSV');
      expect(csv.trim()).toBe('1,"x"');
      expect(await store.queryReadonly('SELECT 2 AS n;', 'JSONEachRow')).toBe('{"n":2}\n');
      await expect(store.queryReadonly(`INSERT INTO \`${db}\`.sluice_schema_migrations (version, name) VALUES (99, 'x')`, 'CSV')).rejects.toMatchObject({ type: 'READONLY' });
      await expect(store.queryReadonly(`DROP TABLE \`${db}\`.llm_calls`, 'CSV')).rejects.toBeTruthy();
      await expect(store.queryReadonly(`SELECT 1; DROP TABLE \`${db}\`.llm_calls`, 'CSV')).rejects.toBeTruthy();
      await expect(store.queryReadonly('SELECT 1', 'CSV; DROP')).rejects.toMatchObject({ code: 'COL_QUERY_FAILED' });
      expect(await count('llm_calls')).toBeGreaterThan(0);
      expect(await count('sluice_schema_migrations', 'version = 99')).toBe(0);
      // The read-only setting must not leak into the write path.
      await store.insert(rowsOf(genAiTraceRequest(1, { agent: 'after-readonly' })));
      expect(await count('otel_traces', "SpanAttributes['sluice.agent'] = 'after-readonly'")).toBe(1);
    });

    it('runs DDL through command', async () => {
      await store.command(`CREATE TABLE IF NOT EXISTS \`${db}\`.contract_scratch (a UInt8) ENGINE = MergeTree ORDER BY a`);
      await store.command(`DROP TABLE \`${db}\`.contract_scratch`);
      const [r] = await store.query<{ n: number | string }>(`SELECT count() AS n FROM system.tables WHERE database = {db:String} AND name = 'contract_scratch'`, { db });
      expect(Number(r?.n)).toBe(0);
    });
  });
}
