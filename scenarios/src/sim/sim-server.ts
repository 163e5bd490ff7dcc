import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultPlan, FaultPlanInput } from './fault-plan.js';
import type { RecordedRequest } from './request-log.js';
import { SimError, formatIssues } from './sim-errors.js';
import { SimOptionsSchema, type SimConfig, type SimOptions } from './sim-options.js';
import { createRequestListener } from './sim-router.js';
import { createSimState, installFaultPlan, resetSimState } from './sim-state.js';
import type { SimStats } from './sim-stats.js';

const SERVER_CLOSING = new Error('sim server closing');

/** A running simulator. */
export interface SimHandle {
  /** `http://127.0.0.1:PORT` — append `/v1` for the OpenAI SDK's `baseURL`. */
  readonly url: string;
  readonly port: number;
  /** The validated options the server runs with. */
  readonly config: SimConfig;
  stats(): SimStats;
  /** Zeroes stats, clears the request log and refills quota buckets; the fault plan stays. */
  resetStats(): void;
  /** Replaces the fault plan (windows count from now). Throws `SimError` `SIM_INVALID_FAULT_PLAN`. */
  setFaultPlan(plan: FaultPlanInput): FaultPlan;
  /** The newest `limit` recorded requests, oldest first, credentials redacted. */
  recentRequests(limit?: number): RecordedRequest[];
  /** Stops listening, destroys open sockets, cancels every pending timer. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the simulated LLM provider: OpenAI chat completions, embeddings and models, and
 * Anthropic messages, on a real socket. Throws `SimError` `SIM_INVALID_OPTIONS` listing
 * every bad option.
 */
export async function startSimServer(opts: SimOptions = {}): Promise<SimHandle> {
  const parsed = SimOptionsSchema.safeParse(opts);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error.issues);
    throw new SimError('SIM_INVALID_OPTIONS', `invalid sim options: ${issues.join('; ')}`, issues);
  }
  const config = parsed.data;
  const state = createSimState(config, Date.now());
  const active = new Set<AbortController>();
  const server = createServer({ noDelay: true, keepAlive: true }, createRequestListener(state, active));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo | null;
  if (!address) throw new SimError('SIM_NOT_LISTENING', 'sim server has no address after listen');
  // Plan windows and quota count from the moment the socket is ready.
  state.startedAtMs = Date.now();
  state.planInstalledAtMs = state.startedAtMs;

  let closing: Promise<void> | undefined;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    config,
    stats: () => state.stats.snapshot(),
    resetStats: () => resetSimState(state, Date.now()),
    setFaultPlan: (plan) => installFaultPlan(state, plan, Date.now()),
    recentRequests: (limit) => state.log.recent(limit),
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const controller of active) controller.abort(SERVER_CLOSING);
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
