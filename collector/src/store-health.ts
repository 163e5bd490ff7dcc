import { describeError } from './errors.js';
import type { Clock, Logger } from './logger.js';

/** ClickHouse error codes meaning "this data is bad", not "the store is down". */
const DATA_ERROR_CODES = new Set(['6', '26', '27', '32', '38', '41', '53', '69', '70', '72', '117', '131', '321']);

/** True when retrying the same batch can never succeed (the batch is dead-lettered). */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && DATA_ERROR_CODES.has(code);
}

export interface StoreHealthSnapshot {
  healthy: boolean;
  lastError: string | undefined;
  lastErrorAtMs: number | undefined;
  consecutiveFailures: number;
}

const REMIND_EVERY_MS = 30_000;

/**
 * Tracks whether inserts succeed and says so in the log without flooding it: the first
 * failure is an error naming the store and the cause, then a reminder every 30 s while it
 * lasts, then one line when the store is back.
 */
export function createStoreHealth(location: string, logger: Logger, clock: Clock) {
  const s: StoreHealthSnapshot = { healthy: true, lastError: undefined, lastErrorAtMs: undefined, consecutiveFailures: 0 };
  let lastLogMs = 0;
  return {
    snapshot: (): StoreHealthSnapshot => ({ ...s }),
    failed(err: unknown, spooled: { spans: number; bytes: number }): void {
      const now = clock.now();
      s.lastError = describeError(err);
      s.lastErrorAtMs = now;
      s.consecutiveFailures += 1;
      const first = s.healthy;
      s.healthy = false;
      if (first || now - lastLogMs >= REMIND_EVERY_MS) {
        lastLogMs = now;
        (first ? logger.error : logger.warn).call(
          logger,
          { store: location, error: s.lastError, spooledSpans: spooled.spans, spoolBytes: spooled.bytes },
          `store ${location} unavailable: ${s.lastError}; spans stay in the spool and are stored when it is back`,
        );
      }
    },
    succeeded(drained: { spans: number }): void {
      if (!s.healthy) logger.info({ store: location, failures: s.consecutiveFailures, ...drained }, `store ${location} is back; replaying the spool`);
      s.healthy = true;
      s.consecutiveFailures = 0;
    },
  };
}
export type StoreHealth = ReturnType<typeof createStoreHealth>;
