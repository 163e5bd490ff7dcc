import { existsSync } from 'node:fs';
import type { Config } from '../../../gateway/src/config/schema.js';
import { ConfigError, loadStartupConfig } from '../../../gateway/src/main.js';

/**
 * The config a CLI command runs with: `--config FILE`, else `./sluice.yaml` when present,
 * else the built-in default. An invalid file prints every problem and yields exit code 1.
 */
export async function loadCliConfig(path: string | undefined): Promise<{ config: Config; configPath: string | undefined } | { exitCode: number }> {
  const configPath = path ?? (existsSync('sluice.yaml') ? 'sluice.yaml' : undefined);
  try {
    return { config: await loadStartupConfig({ configPath }), configPath };
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return { exitCode: 1 };
    }
    throw err;
  }
}
