/**
 * Traffic counters for the simulator (control endpoints excluded), so tests and scenarios
 * can assert what reached the "provider": per model, status, fault kind and path.
 */

export interface SimStats {
  /** Requests received (excluding `/_sim/*`). */
  total: number;
  /** Requests whose response has not closed yet. */
  inFlight: number;
  byModel: Record<string, number>;
  /** HTTP status of each finished request; `none` when the socket died before a status line. */
  byStatus: Record<string, number>;
  /** Fault kinds applied: `status=503`, `refuse`, `disconnect-after`, … */
  byFault: Record<string, number>;
  byPath: Record<string, number>;
  /** Requests whose client went away before the answer was complete. */
  clientAborts: number;
  promptTokens: number;
  completionTokens: number;
}

const bump = (table: Record<string, number>, key: string): void => {
  table[key] = (table[key] ?? 0) + 1;
};

/** Mutable counters behind `SimHandle.stats()`. */
export class StatsCounter {
  #stats: SimStats = StatsCounter.#empty(0);

  static #empty(inFlight: number): SimStats {
    return {
      total: 0,
      inFlight,
      byModel: {},
      byStatus: {},
      byFault: {},
      byPath: {},
      clientAborts: 0,
      promptTokens: 0,
      completionTokens: 0,
    };
  }

  started(path: string): void {
    this.#stats.total += 1;
    this.#stats.inFlight += 1;
    bump(this.#stats.byPath, path);
  }

  model(model: string): void {
    bump(this.#stats.byModel, model);
  }

  faults(kinds: readonly string[]): void {
    for (const kind of kinds) bump(this.#stats.byFault, kind);
  }

  tokens(prompt: number, completion: number): void {
    this.#stats.promptTokens += prompt;
    this.#stats.completionTokens += completion;
  }

  finished(status: number | undefined, clientAborted: boolean): void {
    this.#stats.inFlight = Math.max(0, this.#stats.inFlight - 1);
    bump(this.#stats.byStatus, status === undefined ? 'none' : String(status));
    if (clientAborted) this.#stats.clientAborts += 1;
  }

  /** A deep copy, safe to keep. */
  snapshot(): SimStats {
    return structuredClone(this.#stats);
  }

  /** Zeroes everything except requests still in flight. */
  reset(): void {
    this.#stats = StatsCounter.#empty(this.#stats.inFlight);
  }
}
