import { SimMcpOptionsSchema, type SimMcpOptions, type SimMcpOptionsInput } from './options.js';
import { seededRandom, type Random } from './seeded-random.js';

/** Counters a test or the load runner can read while the simulator runs. */
export interface SimMcpStats {
  calls: number;
  callsByTool: Record<string, number>;
  /** Calls that returned a simulated tool error. */
  errors: number;
  /** Calls aborted by the client (`notifications/cancelled`) before they finished. */
  cancelled: number;
  /** Calls (or HTTP requests) refused during an outage window. */
  outageRejections: number;
  /** MCP sessions (connections) opened so far / open now. */
  sessions: number;
  openSessions: number;
}

type DescriptionListener = (tool: string, description: string) => void;

/**
 * What every connection of one simulated server shares: options, the seeded RNG, counters,
 * the clock and runtime description overrides (to simulate a tool-definition "rug pull").
 */
export class SimMcpState {
  readonly options: SimMcpOptions;
  readonly random: Random;
  readonly startedAtMs: number;
  readonly stats: SimMcpStats = {
    calls: 0, callsByTool: {}, errors: 0, cancelled: 0, outageRejections: 0, sessions: 0, openSessions: 0,
  };
  private readonly descriptions = new Map<string, string>();
  private readonly listeners = new Set<DescriptionListener>();

  constructor(options: SimMcpOptionsInput = {}, readonly now: () => number = Date.now) {
    this.options = SimMcpOptionsSchema.parse(options);
    this.random = seededRandom(this.options.seed);
    this.startedAtMs = now();
    for (const [tool, own] of Object.entries(this.options.tools)) {
      if (own.description !== undefined) this.descriptions.set(tool, own.description);
    }
  }

  /** True inside a configured outage window. */
  inOutage(): boolean {
    const t = this.now() - this.startedAtMs;
    return this.options.outages.some((o) => t >= o.startMs && t < o.startMs + o.durationMs);
  }

  toolEnabled(tool: string): boolean {
    return this.options.enabledTools === undefined || this.options.enabledTools.includes(tool);
  }

  description(tool: string, fallback: string): string {
    return this.descriptions.get(tool) ?? fallback;
  }

  /** Changes a tool's description on every live connection (they send `tools/list_changed`). */
  setToolDescription(tool: string, description: string): void {
    this.descriptions.set(tool, description);
    for (const listener of this.listeners) listener(tool, description);
  }

  /** Subscribes a connection to description changes; returns the unsubscribe function. */
  onDescriptionChange(listener: DescriptionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  countCall(tool: string): void {
    this.stats.calls += 1;
    this.stats.callsByTool[tool] = (this.stats.callsByTool[tool] ?? 0) + 1;
  }
}
