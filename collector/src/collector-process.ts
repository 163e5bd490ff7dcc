import { createCollector, type Collector } from './app.js';
import type { CollectorConfig, StoreConfig } from './config.js';
import { describeError } from './errors.js';
import type { Clock, Logger } from './logger.js';
import { migrate } from './store/migrations.js';
import { openStore } from './store/open-store.js';
import type { SpanStore } from './store/store.js';

export interface CollectorProcessOptions {
  collector: CollectorConfig;
  store: StoreConfig;
  /** Admin token and discovery file (`sluice query`). */
  dataDir: string;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  clock?: Clock;
  /** Overrides `collector.port` / `collector.host` (tests: port 0). */
  port?: number;
  host?: string;
}

export interface CollectorProcess {
  url: string;
  port: number;
  collector: Collector;
  store: SpanStore;
  /** Closes the receiver (storing what it can), then the store. Idempotent. */
  close(): Promise<void>;
}

/**
 * What `sluice collector` runs: open the store, migrate it, listen. An unreachable store
 * does not stop the start: the failure is logged, spans are spooled and the schema is
 * migrated when the store comes back. Installs no signal handlers (the CLI does).
 */
export async function startCollectorProcess(o: CollectorProcessOptions): Promise<CollectorProcess> {
  const store = openStore(o.store, { env: o.env });
  try {
    let migrated = false;
    try {
      const r = await migrate(store);
      migrated = true;
      if (r.applied.length > 0 || r.retentionChanged.length > 0) o.logger.info({ ...r, store: store.info.location }, 'store schema migrated');
    } catch (err) {
      o.logger.error({ store: store.info.location, error: describeError(err) }, 'store not reachable at start; spooling until it is');
    }
    const collector = await createCollector({ config: o.collector, store, logger: o.logger, dataDir: o.dataDir, migrate: !migrated, ...(o.clock ? { clock: o.clock } : {}) });
    const { url, port } = await collector.listen(o.port ?? o.collector.port, o.host ?? o.collector.host);
    let closing: Promise<void> | undefined;
    return {
      url,
      port,
      collector,
      store,
      close() {
        closing ??= collector.close().finally(() => store.close());
        return closing;
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
