import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { defaultKeyId, generateVirtualKey, hashVirtualKey, parseDurationMs } from '../../../gateway/src/identity/index.js';

const USAGE = 'usage: sluice keys create --agent NAME [--team TEAM] [--expires 30d] [--id ID]';

export interface KeysCreateDeps {
  now: () => number;
  random: (size: number) => Buffer;
}

const defaultDeps: KeysCreateDeps = { now: Date.now, random: randomBytes };

/**
 * `sluice keys create`: mints a virtual key, prints it once, and prints the config entry
 * (with the key's SHA-256, never the key) to add under `auth.virtualKeys`.
 * Exit codes: 0 ok, 2 usage error.
 */
export async function runKeysCreate(argv: string[], out: (line: string) => void, deps: KeysCreateDeps = defaultDeps): Promise<number> {
  let values: { agent?: string; team?: string; expires?: string; id?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { agent: { type: 'string' }, team: { type: 'string' }, expires: { type: 'string' }, id: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    out(`error: ${err instanceof Error ? err.message : String(err)}`);
    out(USAGE);
    return 2;
  }
  if (values.help === true) {
    out(USAGE);
    return 0;
  }
  const problem = checkArgs(values);
  if (problem !== undefined) {
    out(`error: ${problem}`);
    out(USAGE);
    return 2;
  }
  const agent = values.agent as string;
  const expiresMs = values.expires === undefined ? undefined : (parseDurationMs(values.expires) as number);
  const key = generateVirtualKey(deps.random);
  const entry: Record<string, string> = { id: values.id ?? defaultKeyId(agent, deps.random), hash: hashVirtualKey(key), agent };
  if (values.team !== undefined) entry.team = values.team;
  if (expiresMs !== undefined) entry.expiresAt = new Date(deps.now() + expiresMs).toISOString();

  out(`New virtual key for agent ${agent}${values.team === undefined ? '' : ` (team ${values.team})`}${entry.expiresAt === undefined ? '' : `, expires ${entry.expiresAt}`}:`);
  out('');
  out(`  ${key}`);
  out('');
  out('This is the only time the key is shown; Sluice stores only its hash.');
  out('Add this entry under auth.virtualKeys in your config (a reload picks it up):');
  out('');
  for (const line of stringify([entry]).trimEnd().split('\n')) out(`  ${line}`);
  if (values.team !== undefined) out(`(team ${values.team} must be declared under auth.teams)`);
  return 0;
}

function checkArgs(v: { agent?: string; team?: string; expires?: string; id?: string }): string | undefined {
  if (v.agent === undefined || v.agent.trim() === '') return '--agent NAME is required';
  if (v.team !== undefined && v.team.trim() === '') return '--team must not be empty';
  if (v.expires !== undefined && parseDurationMs(v.expires) === undefined) return `--expires ${JSON.stringify(v.expires)} is not a duration like 30d, 12h, 90m or 2w`;
  if (v.id !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(v.id)) return '--id may use letters, digits, ".", "_" and "-" only (at most 64)';
  return undefined;
}
