import { parseArgs } from 'node:util';
import { startCollectorProcess } from '../../../collector/src/index.js';
import { createLogger } from '../../../gateway/src/logger.js';
import { loadCliConfig } from './cli-config.js';

/** `sluice collector [--port N] [--config FILE]`: the OTLP collector alone (scale-out). */
export async function runCollector(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { port: { type: 'string' }, host: { type: 'string' }, config: { type: 'string' } } });
  const loaded = await loadCliConfig(values.config);
  if ('exitCode' in loaded) return loaded.exitCode;
  const { config } = loaded;
  const logger = createLogger(process.env.SLUICE_LOG_LEVEL ?? 'info');
  const proc = await startCollectorProcess({
    collector: config.collector,
    store: config.store,
    dataDir: config.server.dataDir,
    env: process.env,
    logger,
    ...(values.port !== undefined ? { port: Number(values.port) } : {}),
    ...(values.host !== undefined ? { host: values.host } : {}),
  });
  process.stdout.write(`sluice collector listening on ${proc.url} (POST /v1/traces; store: ${proc.store.info.mode} ${proc.store.info.location})\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await proc.close();
  return 0;
}
