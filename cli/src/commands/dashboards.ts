import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkDashboards, writeDashboards } from '../../../dashboards/src/index.js';

const USAGE = `usage: sluice dashboards build [--out DIR] [--database NAME] [--check]

  Regenerates the Grafana dashboards (JSON) from their TypeScript definitions.
  --out DIR        where to write them (default: dashboards/generated of this checkout)
  --database NAME  ClickHouse database of the collector's tables (default: otel)
  --check          write nothing; exit 1 when the files differ from what would be written
`;

/** The checkout or package root: the nearest directory up from here with Sluice's package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'sluice') return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

/** `sluice dashboards build [--out DIR] [--database NAME] [--check]`. Exit codes: 0 ok, 1 stale (--check), 2 usage. */
export async function runDashboardsCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'build') {
    process.stderr.write(USAGE);
    return 2;
  }
  let values: { out?: string; database?: string; check?: boolean };
  try {
    ({ values } = parseArgs({ args: rest, options: { out: { type: 'string' }, database: { type: 'string' }, check: { type: 'boolean' } } }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const dir = resolve(values.out ?? join(packageRoot(), 'dashboards', 'generated'));
  if (values.database !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(values.database)) {
    process.stderr.write(`--database must be a plain identifier, got "${values.database}"\n`);
    return 2;
  }
  const opts = values.database !== undefined ? { database: values.database } : {};
  if (values.check) {
    const { stale, extra } = await checkDashboards(dir, opts);
    if (stale.length === 0) {
      process.stdout.write(`${dir}: up to date${extra.length ? ` (not generated here: ${extra.join(', ')})` : ''}\n`);
      return 0;
    }
    process.stderr.write(`${dir}: out of date: ${stale.join(', ')}\nrun: sluice dashboards build\n`);
    return 1;
  }
  const files = await writeDashboards(dir, opts);
  process.stdout.write(`wrote ${files.length} dashboards to ${dir}\n${files.map((f) => `  ${f}`).join('\n')}\n`);
  return 0;
}
