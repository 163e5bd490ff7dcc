import { type FaultPlanInput, type SimHandle, type SimStats, startSimServer } from '../sim/index.js';
import { type SimMcpHttpServer, type SimMcpStats, startSimMcpServer } from '../sim-mcp/index.js';
import type { UpstreamAddresses } from '../format/gateway-config.js';
import { ScenarioError } from '../format/scenario-error.js';
import type { ProviderUpstream, Upstreams } from '../format/upstream-schema.js';

/**
 * Starts a scenario's simulated upstreams on loopback. Fault and outage windows are armed
 * by `anchor()` when the load starts, so "503 from 30s" counts from the first run.
 */

export interface RunningUpstreams {
  addresses: UpstreamAddresses;
  providers: ReadonlyMap<string, SimHandle>;
  mcp: ReadonlyMap<string, SimMcpHttpServer>;
  /** Arms fault plans and outage windows from now. */
  anchor(): void;
  stats(): { providers: Record<string, SimStats>; mcp: Record<string, SimMcpStats> };
  close(): Promise<void>;
}

function faultPlan(p: ProviderUpstream): FaultPlanInput {
  return p.faults.map((r) => ({
    ...(r.model !== undefined ? { match: { model: r.model } } : {}),
    rate: r.rate,
    ...(r.from !== undefined ? { fromMs: r.from } : {}),
    ...(r.to !== undefined ? { toMs: r.to } : {}),
    fault: r.fault,
  }));
}

/** `recordRequests`: how many requests each simulated provider keeps in its log (for tests). */
export async function startUpstreams(u: Upstreams, host = '127.0.0.1', recordRequests = 0): Promise<RunningUpstreams> {
  const providers = new Map<string, SimHandle>();
  const mcp = new Map<string, SimMcpHttpServer>();
  // Outage windows of the MCP simulator count from its own start: shift its clock at anchor().
  const shifts = new Map<string, { ms: number }>();
  const closeAll = async () => {
    await Promise.allSettled([...providers.values()].map((s) => s.close()));
    await Promise.allSettled([...mcp.values()].map((s) => s.close()));
  };
  try {
    for (const p of u.providers) {
      providers.set(p.name, await startSimServer({ port: p.port, host, ...(p.seed !== undefined ? { seed: p.seed } : {}), models: p.models, defaultProfile: p.profile, ...(p.quota ? { quota: p.quota } : {}), recordRequests }));
    }
    for (const m of u.mcp) {
      const outages = m.outages.map((o) => ({ startMs: Math.round(o.from), durationMs: Math.max(1, Math.round(o.to - o.from)) }));
      const shift = { ms: 0 };
      shifts.set(m.name, shift);
      mcp.set(m.name, await startSimMcpServer({ port: m.port, host, seed: m.seed, name: m.name, defaults: m.defaults, tools: m.tools, outages, jsonResponse: true, now: () => Date.now() - shift.ms }));
    }
  } catch (err) {
    await closeAll();
    throw new ScenarioError('SCN_UPSTREAM_START_FAILED', `could not start simulated upstreams: ${(err as Error).message}`, [], { cause: err });
  }
  const planned = new Map(u.providers.map((p) => [p.name, faultPlan(p)]));
  return {
    addresses: {
      providers: Object.fromEntries([...providers].map(([name, s]) => [name, `${s.url}/v1`])),
      mcp: Object.fromEntries([...mcp].map(([name, s]) => [name, s.url])),
    },
    providers,
    mcp,
    anchor() {
      for (const [name, sim] of providers) sim.setFaultPlan(planned.get(name) ?? []);
      // Make each MCP sim's clock read its own start time now.
      for (const [name, sim] of mcp) {
        const shift = shifts.get(name);
        if (shift) shift.ms = Date.now() - sim.state.startedAtMs;
      }
    },
    stats: () => ({
      providers: Object.fromEntries([...providers].map(([name, s]) => [name, s.stats()])),
      mcp: Object.fromEntries([...mcp].map(([name, s]) => [name, structuredClone(s.stats)])),
    }),
    close: closeAll,
  };
}
