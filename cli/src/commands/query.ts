import { parseArgs } from 'node:util';
import { runQuery } from '../../../collector/src/index.js';
import { loadCliConfig } from './cli-config.js';

/**
 * `sluice query "SQL" [--format F] [--config FILE]`: read-only SQL against the configured
 * store, through a running server when it holds the embedded store, else directly.
 */
export async function runQueryCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { format: { type: 'string' }, config: { type: 'string' }, url: { type: 'string' } } });
  const sql = positionals.join(' ').trim();
  if (sql === '') {
    process.stderr.write('usage: sluice query "SQL" [--format JSONEachRow|CSV|Pretty|…] [--config FILE]\n');
    return 2;
  }
  const loaded = await loadCliConfig(values.config);
  if ('exitCode' in loaded) return loaded.exitCode;
  const { config } = loaded;
  try {
    const r = await runQuery({ sql, format: values.format ?? 'PrettyCompactMonoBlock', config: config.store, dataDir: config.server.dataDir, env: process.env, ...(values.url ? { gatewayUrl: values.url } : {}) });
    process.stdout.write(r.output.endsWith('\n') ? r.output : `${r.output}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`sluice query: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
