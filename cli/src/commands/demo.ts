import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { applyProfile, formatReport, formatScenarioIssues, loadScenarioFile, runScenario, ScenarioError } from '../../../scenarios/src/index.js';

/** The examples folder, from the source tree or the build (`dist/cli/src/commands`). */
function examplesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'scenarios', 'examples');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return resolve('scenarios/examples');
}

/**
 * `npm run demo` (`sluice demo [--scenario FILE] [--dir DIR]`): starts a gateway with the
 * simulated LLM provider and MCP server in-process, runs a short agent scenario through it
 * (LLM and tool calls, one trace per run), and prints the report and where the results are.
 */
export async function runDemo(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { scenario: { type: 'string' }, dir: { type: 'string' }, profile: { type: 'string' } } });
  const file = values.scenario ?? join(examplesDir(), 'research-agent.yaml');
  const dataDir = resolve(values.dir ?? '.sluice/demo');
  // Paths as the user would type them: relative inside the working directory, else absolute.
  const rel = (p: string) => {
    const r = relative(process.cwd(), p);
    return r === '' ? '.' : r.startsWith('..') ? p : r;
  };
  const shown = rel(dataDir);
  try {
    const { scenario, speed } = applyProfile(await loadScenarioFile(file), values.profile ?? (values.scenario ? undefined : 'ci'));
    await mkdir(dataDir, { recursive: true });
    process.stdout.write(`Sluice demo: ${scenario.name} — gateway, simulated LLM provider and MCP server in this process\n`);
    const { report } = await runScenario(scenario, { speed: speed ?? 1, dataDir, progress: process.stderr });
    const reportPath = join(dataDir, 'report.json');
    const configPath = join(dataDir, 'sluice.yaml');
    await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(configPath, `# Points sluice query / scenario record at the demo's store.\nserver: { dataDir: ${JSON.stringify(dataDir)} }\nstore: { path: ${JSON.stringify(join(dataDir, 'chdb'))} }\n`);
    process.stdout.write(`${formatReport(report)}
Results
  report (JSON):   ${rel(reportPath)}   (compare a later run: sluice scenario run FILE --baseline ${rel(reportPath)})
  spans:           embedded ClickHouse under ${shown}/chdb (tables otel.otel_traces, otel.llm_calls, otel.tool_calls)
  query them:      sluice query --config ${rel(configPath)} "SELECT run_id, request_model, input_tokens, output_tokens, ttft_ms FROM otel.llm_calls WHERE run_id LIKE '${report.execution}-%' ORDER BY Timestamp"
  one run's trace: sluice query --config ${rel(configPath)} "SELECT SpanName, SpanKind, Duration/1e6 AS ms FROM otel.otel_traces WHERE TraceId IN (SELECT TraceId FROM otel.llm_calls WHERE run_id = '${report.execution}-0') ORDER BY Timestamp"
  record a replay: sluice scenario record --from-store --config ${rel(configPath)} --conversation ${report.execution}-0 --out replay.yaml
`);
    return report.passed ? 0 : 1;
  } catch (e) {
    if (e instanceof ScenarioError) {
      process.stderr.write(`sluice demo: ${e.message}\n${formatScenarioIssues(e.issues)}\n`);
      return 2;
    }
    throw e;
  }
}
