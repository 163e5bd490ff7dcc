import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import type { SpanStore } from '../../../collector/src/index.js';
import { ScenarioError } from '../format/scenario-error.js';
import { applySpeed } from '../format/speed.js';
import { buildReport } from '../report/build-report.js';
import { compareReports } from '../report/compare.js';
import { evaluateExpectations } from '../report/expectations.js';
import type { GatewayView, ScenarioReport } from '../report/report-types.js';
import type { Scenario } from '../schema.js';
import { expectedArrivals, stagesDurationMs } from './arrivals.js';
import { costReport } from './cost.js';
import { driveLoad } from './drivers.js';
import { mintKeys, resolveIdentities } from './identity-headers.js';
import { startInProcessGateway, type InProcessGateway } from './in-process-gateway.js';
import { McpToolClient } from './mcp-tools.js';
import { Metrics } from './metrics.js';
import { startOverheadMonitor } from './overhead.js';
import { startProgress, type ProgressOut } from './progress.js';
import type { CallRecord, RunRecord } from './records.js';
import type { RunDeps } from './run-context.js';
import { readGatewayView } from './store-view.js';
import { warmUp } from './warmup.js';
import { startUpstreams, type RunningUpstreams } from './upstreams.js';
import type { SimHandle } from '../sim/index.js';

/**
 * `sluice scenario run`: start the scenario's simulated upstreams (and, without a gateway
 * URL, a gateway in-process), drive the load, read back what the gateway stored, and build
 * the report with its expectations and baseline comparison.
 */

export interface RunScenarioOptions {
  /** An already running gateway (its base URL); otherwise one is started in-process. */
  gatewayUrl?: string;
  /** Compress the scenario's clock (`--speed 5x` → 5). */
  speed?: number;
  baseline?: ScenarioReport;
  /** Live progress (a terminal or a log); none when absent. */
  progress?: ProgressOut;
  env?: Readonly<Record<string, string | undefined>>;
  /** Keep the in-process gateway's store (for `record`, tests); removed otherwise. */
  keepStore?: boolean;
  /** Keep the in-process gateway's store in this directory (`sluice demo`). */
  dataDir?: string;
  /** Per-call timeout. Default 120 s. */
  callTimeoutMs?: number;
  /** Run id prefix; random when absent. */
  execution?: string;
  /** How long to wait for spans to reach the store after the load. Default 15 s. */
  storeWaitMs?: number;
  /** Called with the in-process store before the gateway closes (record from it, assert on it). */
  onStore?: (store: SpanStore, execution: string) => Promise<void>;
  /**
   * Called with the simulated providers after the load, before they close; with
   * `recordUpstreamRequests`, each keeps that many requests in its log (`recentRequests`).
   */
  onUpstreams?: (providers: ReadonlyMap<string, SimHandle>) => Promise<void> | void;
  recordUpstreamRequests?: number;
}

export interface ScenarioRunResult {
  report: ScenarioReport;
  /** Raw records (bounded), for tests and custom analysis. */
  calls: readonly CallRecord[];
  runs: readonly RunRecord[];
}

function apiTarget(url: string): { origin: string; apiPrefix: string } {
  const u = new URL(url);
  const path = u.pathname.replace(/\/+$/, '');
  return { origin: u.origin, apiPrefix: path.endsWith('/v1') ? path : `${path}/v1` };
}

function plannedLength(s: Scenario): { expectedMs?: number; expectedRuns?: number; targetRunsPerSec?: number; arrivalMs?: number } {
  const l = s.load;
  if (l.model === 'open') {
    const ms = Math.min(stagesDurationMs(l.stages), l.maxDuration);
    const runs = expectedArrivals(l.stages);
    return { expectedMs: ms, arrivalMs: ms, ...(l.maxRuns ? { expectedRuns: Math.min(l.maxRuns, Math.round(runs)) } : {}), targetRunsPerSec: ms > 0 ? runs / (ms / 1000) : 0 };
  }
  if (l.model === 'closed') return { ...(l.runs ? { expectedRuns: l.runs } : {}), ...(l.duration ? { expectedMs: l.duration } : {}) };
  return { expectedRuns: l.starts.length, arrivalMs: Math.max(0, ...l.starts.map((x) => x.at)) };
}

export async function runScenario(input: Scenario, opts: RunScenarioOptions = {}): Promise<ScenarioRunResult> {
  const speed = opts.speed ?? 1;
  const s = applySpeed(input, speed);
  const env = opts.env ?? process.env;
  const execution = opts.execution ?? randomBytes(4).toString('hex');
  const minted = opts.gatewayUrl ? { keys: new Map<string, string>(), entries: [] } : mintKeys(s.agents, execution);
  const identities = resolveIdentities(s.agents, env, minted.keys);
  let upstreams: RunningUpstreams | undefined;
  let gateway: InProcessGateway | undefined;
  try {
    upstreams = await startUpstreams(s.upstreams, undefined, opts.recordUpstreamRequests ?? 0);
    if (!opts.gatewayUrl) gateway = await startInProcessGateway(s, upstreams.addresses, { store: s.gateway.store, env, keys: minted.entries, ...(opts.keepStore ? { keepStore: true } : {}), ...(opts.dataDir ? { dataDir: opts.dataDir } : {}) });
    const gatewayUrl = opts.gatewayUrl ?? gateway?.url ?? '';
    const { origin, apiPrefix } = apiTarget(gatewayUrl);
    const pool = new Pool(origin, { pipelining: 1, keepAliveTimeout: 30_000, connections: s.load.maxInFlight * 2 });
    if (opts.gatewayUrl) await checkReachable(pool, origin);
    let t0 = performance.now();
    const now = () => performance.now() - t0;
    const metrics = new Metrics();
    const mcpClients = new Map<string, McpToolClient>();
    const deps: RunDeps = {
      pool,
      apiPrefix,
      identityHeaders: (agent) => identities.get(agent.name) ?? {},
      // One MCP session per identity: agents sharing credentials share a connection.
      mcp: (agent) => {
        const headers = identities.get(agent.name) ?? {};
        const key = JSON.stringify(headers);
        let c = mcpClients.get(key);
        if (!c) {
          c = new McpToolClient({ url: `${origin}${s.gateway.mcpPath}`, headers, timeoutMs: opts.callTimeoutMs ?? 120_000, clientName: `sluice-scenario/${agent.name}`, now });
          mcpClients.set(key, c);
        }
        return c;
      },
      sink: metrics,
      now,
      sleepUntil: (atMs, signal) => sleepUntil(now, atMs, signal),
      callTimeoutMs: opts.callTimeoutMs ?? 120_000,
      scenario: s.name,
    };
    if (s.load.warmup) await warmUp(deps, s.agents, execution);
    t0 = performance.now();
    const plan = plannedLength(s);
    const startedAt = new Date();
    const monitor = startOverheadMonitor(now);
    const progress = opts.progress ? startProgress(opts.progress, metrics, now, plan) : undefined;
    upstreams.anchor();
    const driven = await driveLoad(deps, s.load, s.agents, execution);
    const durationMs = now();
    progress?.stop();
    const overhead = monitor.stop(metrics.callsDone);
    await Promise.allSettled([...mcpClients.values()].map((c) => c.close()));
    await pool.close();

    let view: GatewayView | undefined;
    const store = gateway?.store;
    if (store && gateway) {
      const g = gateway;
      view = await readGatewayView(store, {
        scenario: s.name, execution, traceIds: metrics.runs.map((r) => r.traceId),
        expectedLlmCalls: metrics.answeredLlmCalls,
        expectedToolCalls: metrics.calls.filter((c) => c.kind === 'tool' && c.errorType !== 'mcp_transport' && c.errorType !== 'mcp_unavailable').length,
        flush: () => g.flush(), waitMs: opts.storeWaitMs ?? 15_000,
      });
      if (opts.onStore) await opts.onStore(store, execution);
    }
    if (opts.onUpstreams) await opts.onUpstreams(upstreams.providers);
    const report = buildReport({
      scenario: s.name, execution, startedAt, speed, gateway: { url: gatewayUrl, inProcess: gateway !== undefined },
      loadModel: s.load.model, scheduledRuns: driven.scheduledRuns, durationMs,
      ...(plan.targetRunsPerSec !== undefined ? { targetRunsPerSec: plan.targetRunsPerSec } : {}),
      ...(plan.arrivalMs !== undefined ? { plannedArrivalMs: plan.arrivalMs } : {}),
      metrics, overhead, cost: costReport(metrics.byModel, s.pricing, metrics.runsDone, view), ...(view ? { gatewayView: view } : {}),
    });
    report.expectations = evaluateExpectations(report, s.expectations);
    report.passed = report.expectations.every((e) => e.ok);
    if (opts.baseline) report.comparison = compareReports(opts.baseline, report);
    return { report, calls: metrics.calls, runs: metrics.runs };
  } finally {
    await gateway?.close();
    await upstreams?.close();
  }
}

/** A `--gateway` that does not answer `/healthz` ends the run before any load is sent. */
async function checkReachable(pool: Pool, origin: string): Promise<void> {
  try {
    const res = await pool.request({ path: '/healthz', method: 'GET', headersTimeout: 5_000, bodyTimeout: 5_000 });
    await res.body.dump();
  } catch (err) {
    await pool.close();
    throw new ScenarioError('SCN_GATEWAY_UNREACHABLE', `no gateway answers at ${origin}: ${(err as Error).message}`, [], { cause: err });
  }
}

function sleepUntil(now: () => number, atMs: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  const delayMs = atMs - now();
  if (delayMs <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
