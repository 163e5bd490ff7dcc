import type { Scenario } from '../schema.js';
import { modelsUsed } from './walk-steps.js';

/**
 * The gateway config a scenario runs against in-process: the scenario's own `gateway.config`
 * (or one made up from the upstreams) with every provider and MCP server named like a
 * simulated upstream pointed at it. Pure: addresses come in as arguments.
 */

/** Where the started upstreams listen. */
export interface UpstreamAddresses {
  /** Provider name → OpenAI base URL (`http://127.0.0.1:PORT/v1`). */
  providers: Readonly<Record<string, string>>;
  /** MCP server name → Streamable HTTP URL. */
  mcp: Readonly<Record<string, string>>;
}

/** A key minted for an agent with `identity.mint` (only its hash goes into the config). */
export interface MintedKey {
  id: string;
  hash: string;
  agent: string;
  team?: string;
}

/** Where the in-process gateway keeps its spans (a temporary embedded store). */
export interface StoreDirs {
  dataDir: string;
}

/** The simulator's fault headers: forwarded so per-call `simFault` and `outputTokens` reach it. */
export const SIM_FORWARD_HEADERS = ['x-sim-fault', 'x-sim-seed'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Stand-in keys for validation: distinct, well-formed hashes (never usable). */
export function placeholderKeys(s: Scenario): MintedKey[] {
  return s.agents.flatMap((a, i) =>
    a.identity?.mint ? [{ id: `scenario-${i}`, hash: `sha256:${i.toString(16).padStart(64, '0')}`, agent: a.identity.mint.agent ?? a.name, ...(a.identity.mint.team ? { team: a.identity.mint.team } : {}) }] : [],
  );
}

function authSection(declared: unknown, keys: readonly MintedKey[]): unknown {
  if (declared === undefined && keys.length === 0) return { anonymous: { enabled: true, agent: 'scenario' } };
  if (keys.length === 0) return declared;
  const auth: Obj = isObj(declared) ? { ...declared } : { anonymous: { enabled: true, agent: 'scenario' } };
  const teams: Obj = isObj(auth.teams) ? { ...auth.teams } : {};
  for (const k of keys) if (k.team !== undefined && teams[k.team] === undefined) teams[k.team] = {};
  const existing = Array.isArray(auth.virtualKeys) ? auth.virtualKeys : [];
  return { ...auth, teams, virtualKeys: [...existing, ...keys.map((k) => ({ ...k }))] };
}

/** Addresses that validate (for checking a scenario before anything is started). */
export function placeholderAddresses(s: Scenario): UpstreamAddresses {
  return {
    providers: Object.fromEntries(s.upstreams.providers.map((p) => [p.name, 'http://127.0.0.1:9/v1'])),
    mcp: Object.fromEntries(s.upstreams.mcp.map((m) => [m.name, 'http://127.0.0.1:9/mcp'])),
  };
}

function providers(declared: unknown, addr: UpstreamAddresses): unknown[] {
  const list = Array.isArray(declared) ? [...declared] : [];
  const seen = new Set<string>();
  const out = list.map((p) => {
    if (!isObj(p) || typeof p.name !== 'string') return p;
    seen.add(p.name);
    const url = addr.providers[p.name];
    if (url === undefined) return p;
    const forward = Array.isArray(p.forwardHeaders) ? p.forwardHeaders : [];
    const { sim: _sim, ...rest } = p;
    return { ...rest, kind: 'openai', baseUrl: url, forwardHeaders: [...new Set([...forward, ...SIM_FORWARD_HEADERS])] };
  });
  for (const [name, url] of Object.entries(addr.providers)) {
    if (!seen.has(name)) out.push({ name, kind: 'openai', baseUrl: url, forwardHeaders: SIM_FORWARD_HEADERS });
  }
  return out;
}

function generatedModels(s: Scenario): Obj {
  const first = s.upstreams.providers[0]?.name;
  const models: Obj = {};
  for (const model of modelsUsed(s.agents)) {
    const owner = s.upstreams.providers.find((p) => model in p.models)?.name ?? first;
    if (owner !== undefined) models[model] = { provider: owner, model };
  }
  return models;
}

function mcpSection(declared: unknown, addr: UpstreamAddresses): unknown {
  const names = Object.keys(addr.mcp);
  if (names.length === 0) return declared;
  const section: Obj = isObj(declared) ? { ...declared } : {};
  const list = Array.isArray(section.upstreams) ? [...(section.upstreams as unknown[])] : [];
  const seen = new Set<string>();
  const upstreams = list.map((u) => {
    if (!isObj(u) || typeof u.name !== 'string' || addr.mcp[u.name] === undefined) return u;
    seen.add(u.name);
    const { sim: _sim, command: _c, args: _a, env: _e, cwd: _w, stderr: _s, ...rest } = u;
    return { ...rest, kind: 'streamable-http', url: addr.mcp[u.name] };
  });
  for (const name of names) if (!seen.has(name)) upstreams.push({ name, kind: 'streamable-http', url: addr.mcp[name] });
  return { ...section, upstreams };
}

function storeSections(cfg: Obj, dirs: StoreDirs | undefined): Obj {
  if (!dirs) {
    return { telemetry: cfg.telemetry ?? { enabled: false }, collector: cfg.collector ?? { enabled: false } };
  }
  const server = isObj(cfg.server) ? cfg.server : {};
  return {
    server: { ...server, dataDir: dirs.dataDir },
    telemetry: { enabled: true, batch: { scheduledDelayMs: 100, maxQueueSize: 65_536, maxExportBatchSize: 2_048 } },
    collector: { enabled: true, port: 0, batch: { flushMs: 200 }, spool: { dir: `${dirs.dataDir}/spool` } },
    store: { mode: 'embedded', path: `${dirs.dataDir}/chdb` },
  };
}

/** The config (input form, before the gateway's own validation and defaults). */
export function buildGatewayConfig(s: Scenario, addr: UpstreamAddresses, dirs: StoreDirs | undefined, keys: readonly MintedKey[] = []): Obj {
  const declared: Obj = s.gateway.config ? structuredClone(s.gateway.config) : {};
  const cfg: Obj = { ...declared };
  cfg.providers = providers(declared.providers, addr);
  if (declared.models === undefined) cfg.models = generatedModels(s);
  const auth = authSection(declared.auth, keys);
  if (auth !== undefined) cfg.auth = auth;
  const mcp = mcpSection(declared.mcp, addr);
  if (mcp !== undefined) cfg.mcp = mcp;
  Object.assign(cfg, storeSections(declared, dirs));
  return cfg;
}
