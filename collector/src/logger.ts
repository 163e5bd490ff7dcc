/** The logger the collector is given: pino-compatible (`logger.warn({ …fields }, 'message')`). */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

/** Time source, injected so tests can move it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Discards everything (tests and tools that do not care). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
