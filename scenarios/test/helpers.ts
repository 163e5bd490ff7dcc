import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenario } from '../src/format/load-file.js';
import type { CallRecord } from '../src/runner/records.js';
import type { Scenario } from '../src/schema.js';

/** A fresh directory for one test file's store (chDB: one engine, one path per process). */
export const tempDir = (prefix: string): string => mkdtempSync(join(tmpdir(), `sluice-scn-${prefix}-`));

/** Validates a scenario written inline as an object. */
export const scenario = (input: Record<string, unknown>): Scenario => parseScenario(input);

/** Calls grouped by run id, each run's calls in start order. */
export function callsByRun(calls: readonly CallRecord[]): Map<string, CallRecord[]> {
  const out = new Map<string, CallRecord[]>();
  for (const c of calls) out.set(c.runId, [...(out.get(c.runId) ?? []), c]);
  for (const list of out.values()) list.sort((a, b) => a.startMs - b.startMs || a.kind.localeCompare(b.kind));
  return out;
}
