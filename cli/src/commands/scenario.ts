import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { runQuery } from '../../../collector/src/index.js';
import { ConfigError, loadStartupConfig } from '../../../gateway/src/main.js';
import {
  ScenarioError, applyProfile, asReport, formatReport, formatScenarioIssues, inlineParams, loadScenarioFile, parseDurationMs,
  parseJsonEachRow, parseSpeed, recordScenario, runScenario, type QueryFn, type RecordFilter,
} from '../../../scenarios/src/index.js';

const USAGE = `usage:
  sluice scenario run FILE [--gateway URL] [--speed 5x] [--profile NAME] [--report out.json]
                           [--baseline prev.json] [--fail-on-regression] [--quiet]
  sluice scenario record --from-store (--conversation ID | --agent NAME --since 1h) --out FILE
                           [--name NAME] [--max-runs N] [--config FILE] [--url URL]
  sluice scenario check FILE
`;

type Out = (text: string) => void;
const out: Out = (t) => void process.stdout.write(t);
const err: Out = (t) => void process.stderr.write(t);

function reportError(e: unknown): number {
  if (e instanceof ScenarioError) {
    err(`sluice scenario: ${e.message}\n${e.issues.length > 0 ? `${formatScenarioIssues(e.issues)}\n` : ''}`);
    return e.code === 'SCN_INVALID' || e.code === 'SCN_YAML_SYNTAX' || e.code === 'SCN_GATEWAY_CONFIG_INVALID' || e.code === 'SCN_BAD_ARGUMENT' || e.code === 'SCN_FILE_UNREADABLE' ? 2 : 1;
  }
  if (e instanceof ConfigError) {
    err(`sluice scenario: ${e.message}\n`);
    return 2;
  }
  err(`sluice scenario: ${e instanceof Error ? e.message : String(e)}\n`);
  return 1;
}

/** `run`: exit 0 when every expectation held (and no regression with --fail-on-regression), 1 otherwise, 2 for bad input. */
async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      gateway: { type: 'string' }, speed: { type: 'string' }, profile: { type: 'string' }, report: { type: 'string' },
      baseline: { type: 'string' }, 'fail-on-regression': { type: 'boolean' }, quiet: { type: 'boolean' },
    },
  });
  if (positionals.length !== 1) {
    err(USAGE);
    return 2;
  }
  const speedArg = values.speed !== undefined ? parseSpeed(values.speed) : undefined;
  if (values.speed !== undefined && speedArg === undefined) {
    err(`sluice scenario: --speed must be a positive factor like 5x, got "${values.speed}"\n`);
    return 2;
  }
  const loaded = await loadScenarioFile(positionals[0]);
  const { scenario, speed: profileSpeed } = applyProfile(loaded, values.profile);
  const baseline = values.baseline ? asReport(JSON.parse(await readFile(values.baseline, 'utf8')), values.baseline) : undefined;
  const { report } = await runScenario(scenario, {
    speed: speedArg ?? profileSpeed ?? 1,
    ...(values.gateway ? { gatewayUrl: values.gateway } : {}),
    ...(baseline ? { baseline } : {}),
    ...(values.quiet ? {} : { progress: process.stderr }),
  });
  if (values.report) await writeFile(values.report, `${JSON.stringify(report, null, 2)}\n`);
  out(formatReport(report));
  if (values.report) out(`Report written to ${values.report}\n`);
  const regressed = values['fail-on-regression'] === true && (report.comparison?.regressions.length ?? 0) > 0;
  return report.passed && !regressed ? 0 : 1;
}

function storeQuery(cfg: Awaited<ReturnType<typeof loadStartupConfig>>, url: string | undefined): QueryFn {
  return async <T>(sql: string, params: Record<string, unknown>) => {
    const r = await runQuery({ sql: inlineParams(sql, params), format: 'JSONEachRow', config: cfg.store, dataDir: cfg.server.dataDir, env: process.env, ...(url ? { gatewayUrl: url } : {}) });
    return parseJsonEachRow<T>(r.output);
  };
}

async function record(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'from-store': { type: 'boolean' }, conversation: { type: 'string' }, agent: { type: 'string' }, since: { type: 'string' },
      out: { type: 'string' }, name: { type: 'string' }, 'max-runs': { type: 'string' }, config: { type: 'string' }, url: { type: 'string' },
    },
  });
  const sinceMs = values.since !== undefined ? parseDurationMs(values.since) : undefined;
  const byConversation = values.conversation !== undefined && values.agent === undefined;
  const byAgent = values.agent !== undefined && values.conversation === undefined && sinceMs !== undefined;
  if (!values['from-store'] || !values.out || (!byConversation && !byAgent)) {
    err(USAGE);
    return 2;
  }
  const filter: RecordFilter = byConversation ? { conversation: values.conversation ?? '' } : { agent: values.agent ?? '', sinceMs: sinceMs ?? 0, nowMs: Date.now() };
  const cfg = await loadStartupConfig({ configPath: values.config ?? (existsSync('sluice.yaml') ? 'sluice.yaml' : undefined) });
  const maxRuns = values['max-runs'] !== undefined ? Number(values['max-runs']) : undefined;
  const r = await recordScenario(storeQuery(cfg, values.url), cfg.store.database, filter, {
    ...(values.name ? { name: values.name } : {}),
    ...(maxRuns !== undefined && Number.isInteger(maxRuns) && maxRuns > 0 ? { maxRuns } : {}),
  });
  await writeFile(values.out, r.yaml);
  out(`Recorded ${r.runs} run(s), ${r.llmCalls} LLM call(s) and ${r.toolCalls} tool call(s) into ${values.out}\nReplay: sluice scenario run ${values.out}\n`);
  return 0;
}

async function check(argv: string[]): Promise<number> {
  if (argv.length !== 1) {
    err(USAGE);
    return 2;
  }
  const s = await loadScenarioFile(argv[0]);
  out(`${argv[0]}: scenario ${s.name} is valid (${s.agents.length} agent(s), ${s.load.model} load, ${s.expectations.length} expectation(s)${Object.keys(s.profiles).length > 0 ? `, profiles: ${Object.keys(s.profiles).join(', ')}` : ''})\n`);
  return 0;
}

/** `sluice scenario …`. Exit codes: 0 ok, 1 expectations failed / run failed, 2 usage or invalid file. */
export async function runScenarioCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    if (sub === 'run') return await run(rest);
    if (sub === 'record') return await record(rest);
    if (sub === 'check') return await check(rest);
  } catch (e) {
    return reportError(e);
  }
  err(USAGE);
  return sub === '--help' || sub === 'help' ? 0 : 2;
}
