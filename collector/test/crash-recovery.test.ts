import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeProtobufRequest, genAiTraceRequest, type OtlpJsonRequest } from '../bench/genai-spans.js';
import { StoreConfigSchema } from '../src/config.js';
import { runQuery } from '../src/run-query.js';
import { postTraces, PROTO_HEADERS, tempDir, waitFor } from './helpers.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./fixtures/collector-child.ts', import.meta.url));

let root: { dir: string; cleanup: () => Promise<void> };
const children: ChildProcess[] = [];

beforeAll(async () => {
  root = await tempDir('crash');
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await root.cleanup();
});

/** Starts a collector process on the shared data dir; resolves with its URL. */
function startChild(flushMs: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, root.dir, String(flushMs)], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`collector child did not start: ${stderr}`)), 15_000);
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"ready"'));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve({ child, url: (JSON.parse(line) as { ready: string }).ready });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`collector child exited (${code ?? signal}) before ready: ${stderr}`));
    });
  });
}

const exited = (child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve({ code: child.exitCode, signal: child.signalCode })
    : new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

const ids = (req: OtlpJsonRequest): string[] => req.resourceSpans[0]!.scopeSpans[0]!.spans.map((s) => s.spanId);
const storeConfig = () => StoreConfigSchema.parse({ path: join(root.dir, 'chdb') });

/** Occurrences of the spans in otel_traces and llm_calls, asked the way `sluice query` does. */
async function occurrences(spanIds: string[]): Promise<{ traces: number; distinct: number; calls: number; via: string }> {
  const list = spanIds.map((i) => `'${i}'`).join(',');
  const r = await runQuery({
    sql: `SELECT (SELECT count() FROM otel.otel_traces WHERE SpanId IN (${list})) AS traces,
                 (SELECT uniqExact(SpanId) FROM otel.otel_traces WHERE SpanId IN (${list})) AS distinct,
                 (SELECT count() FROM otel.llm_calls WHERE SpanId IN (${list})) AS calls`,
    format: 'JSONEachRow',
    config: storeConfig(),
    dataDir: root.dir,
    env: {},
  });
  const row = JSON.parse(r.output) as Record<string, number | string>;
  return { traces: Number(row.traces), distinct: Number(row.distinct), calls: Number(row.calls), via: r.via };
}

describe('a collector killed with SIGKILL after acknowledging', () => {
  it('stores the acknowledged batch exactly once after restart', async () => {
    // Long flush interval: the batch is only in the spool when the process dies.
    const first = await startChild(600_000);
    const batch = genAiTraceRequest(5, { agent: 'sigkill-agent' });
    expect((await postTraces(first.url, encodeProtobufRequest(batch), PROTO_HEADERS)).status).toBe(200);
    first.child.kill('SIGKILL');
    expect((await exited(first.child)).signal).toBe('SIGKILL');

    const second = await startChild(50);
    const afterRestart = await waitFor(async () => {
      const o = await occurrences(ids(batch));
      // A source part can be visible a moment before its views' parts: wait for both.
      return o.traces >= 5 && o.calls >= 5 ? o : undefined;
    }, 10_000, 100);
    expect(afterRestart).toEqual({ traces: 5, distinct: 5, calls: 5, via: 'server' });

    // Kill again right after a second batch is stored: restarting must not duplicate anything.
    const batch2 = genAiTraceRequest(3, { agent: 'sigkill-agent' }, 100);
    expect((await postTraces(second.url, encodeProtobufRequest(batch2), PROTO_HEADERS)).status).toBe(200);
    await waitFor(async () => {
      const o = await occurrences(ids(batch2));
      return o.traces >= 3 && o.calls >= 3 ? true : undefined;
    }, 10_000, 100);
    second.child.kill('SIGKILL');
    await exited(second.child);

    const third = await startChild(50);
    expect(await occurrences([...ids(batch), ...ids(batch2)])).toEqual({ traces: 8, distinct: 8, calls: 8, via: 'server' });
    third.child.kill('SIGTERM');
    expect((await exited(third.child)).code).toBe(0);

    // No server any more: `sluice query` opens the store itself and sees the same.
    expect(await occurrences([...ids(batch), ...ids(batch2)])).toEqual({ traces: 8, distinct: 8, calls: 8, via: 'store' });
  });
});
