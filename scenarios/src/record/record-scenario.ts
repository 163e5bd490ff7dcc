import { stringify } from 'yaml';
import { parseScenario } from '../format/load-file.js';
import { ScenarioError } from '../format/scenario-error.js';
import type { Scenario } from '../schema.js';
import { buildRecordedScenario } from './build-recorded.js';
import { readStoredCalls, type QueryFn, type RecordFilter } from './record-query.js';

/**
 * `sluice scenario record --from-store`: stored traces → a validated scenario and its YAML.
 */

export interface RecordResult {
  /** The scenario as it will replay (validated, defaults applied). */
  scenario: Scenario;
  /** The file to write. */
  yaml: string;
  runs: number;
  llmCalls: number;
  toolCalls: number;
}

function describeFilter(f: RecordFilter): string {
  if ('conversation' in f) return `conversation ${f.conversation}`;
  if ('agent' in f) return `agent ${f.agent}, the ${Math.round(f.sinceMs / 60_000)} min before ${new Date(f.nowMs).toISOString()}`;
  return `scenario ${f.scenario}, runs ${f.runIdPrefix}*`;
}

export async function recordScenario(
  query: QueryFn,
  database: string,
  filter: RecordFilter,
  o: { name?: string; maxRuns?: number } = {},
): Promise<RecordResult> {
  const calls = await readStoredCalls(query, database, filter);
  if (calls.length === 0) throw new ScenarioError('SCN_RECORD_EMPTY', `no stored LLM calls match ${describeFilter(filter)}`);
  const source = describeFilter(filter);
  const input = buildRecordedScenario(calls, {
    name: o.name ?? 'recorded',
    description: `Recorded from the store (${source}). Prompts are generated to the recorded token lengths.`,
    maxRuns: o.maxRuns ?? 200,
  });
  const scenario = parseScenario(input);
  const agents = scenario.agents.length;
  const header = [
    '# yaml-language-server: $schema=https://sluice.dev/schema/scenario.schema.json',
    `# Recorded by \`sluice scenario record\` from ${source}.`,
    '# One agent per recorded run; each starts at its recorded offset. Replay it with',
    '#   sluice scenario run THIS_FILE',
    '',
  ].join('\n');
  const kept = new Set(scenario.agents.map((a) => a.description?.replace(/^.*conversation /, '')));
  const keptCalls = calls.filter((c) => kept.has(c.run));
  return {
    scenario,
    yaml: header + stringify(input, { lineWidth: 0 }),
    runs: agents,
    llmCalls: keptCalls.filter((c) => c.kind === 'llm').length,
    toolCalls: keptCalls.filter((c) => c.kind === 'tool').length,
  };
}
