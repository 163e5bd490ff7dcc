import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import type { SpanStore } from '../../../collector/src/index.js';
import { ConfigError, startGateway } from '../../../gateway/src/main.js';
import { buildGatewayConfig, type MintedKey, type UpstreamAddresses } from '../format/gateway-config.js';
import { ScenarioError } from '../format/scenario-error.js';
import type { Scenario } from '../schema.js';

/**
 * The gateway a scenario starts when no `--gateway` URL is given: its `gateway.config`
 * pointed at the simulated upstreams, on 127.0.0.1:0, with a temporary embedded store so
 * the report can show what the gateway stored (and its costs).
 */

export interface InProcessGateway {
  url: string;
  store: SpanStore | undefined;
  /** Exports pending spans and writes the collector's batch to the store. */
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Where the store lives (a temporary one is removed on close unless `keepStore`). */
  dataDir: string | undefined;
}

export async function startInProcessGateway(
  s: Scenario,
  addresses: UpstreamAddresses,
  opts: {
    store: boolean;
    /** Keep the store where it is after close (a temporary one is removed otherwise). */
    keepStore?: boolean;
    /** Put the store here (kept) instead of a temporary directory. */
    dataDir?: string;
    keys?: readonly MintedKey[];
    env?: Readonly<Record<string, string | undefined>>;
    logger?: Logger;
  },
): Promise<InProcessGateway> {
  const logger = opts.logger ?? pino({ level: 'silent' });
  const temporary = opts.store && opts.dataDir === undefined;
  const dataDir = !opts.store ? undefined : (opts.dataDir ?? (await mkdtemp(join(tmpdir(), `sluice-scenario-${s.name.replace(/[^A-Za-z0-9_-]/g, '_')}-`))));
  const removeStore = temporary && !opts.keepStore;
  let gw;
  try {
    gw = await startGateway({
      config: buildGatewayConfig(s, addresses, dataDir ? { dataDir } : undefined, opts.keys ?? []),
      port: 0,
      host: '127.0.0.1',
      env: opts.env ?? process.env,
      logger,
      collectorPort: 0,
    });
  } catch (err) {
    if (dataDir && temporary) await rm(dataDir, { recursive: true, force: true });
    if (err instanceof ConfigError) {
      throw new ScenarioError('SCN_GATEWAY_CONFIG_INVALID', err.message, err.issues.map((i) => ({ path: `gateway.config.${i.path}`, message: i.message })), { cause: err });
    }
    throw err;
  }
  const running = gw;
  return {
    url: running.url,
    store: running.store,
    dataDir,
    async flush() {
      await running.telemetry.forceFlush();
      await running.collector?.collector.flush();
    },
    async close() {
      await running.close();
      if (dataDir && removeStore) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
