import type { ClientCapabilities, Implementation, ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import { SimMcpState } from '../../../scenarios/src/sim-mcp/sim-state.js';
import type { UpstreamConfig } from '../config-upstream.js';
import type { McpGatewayDeps } from '../deps.js';
import { McpGatewayError } from '../errors.js';
import { createUpstreamTransport } from './transport-factory.js';
import { UpstreamLink, type LinkHooks } from './upstream-link.js';

/** What the upstream said about itself at initialize (mirrored by the transparent endpoint). */
export interface UpstreamInfo {
  capabilities: ServerCapabilities;
  serverInfo: Implementation;
  instructions?: string;
}

/** One agent session's claim on a per-session upstream client. */
export interface SessionBinding {
  sessionId: string;
  capabilities: ClientCapabilities;
  hooks: LinkHooks;
}

export type UpstreamStatus = 'up' | 'starting' | 'restarting' | 'down' | 'idle';

export interface UpstreamHealth {
  server: string;
  kind: UpstreamConfig['kind'];
  mode: 'shared' | 'per-session';
  status: UpstreamStatus;
  /** Open per-session clients (per-session mode). */
  sessions: number;
  restarts: number;
  lastError?: string;
}

/**
 * Runtime of one configured upstream: the shared client, or the pool of per-session clients
 * (with its limit and idle reaping), plus what the upstream declared at initialize.
 */
export class UpstreamRuntime {
  private shared: UpstreamLink | undefined;
  private readonly perSession = new Map<string, UpstreamLink>();
  private info: UpstreamInfo | undefined;
  private probing: Promise<UpstreamInfo> | undefined;
  private probeError: string | undefined;
  private sim: SimMcpState | undefined;
  private closedRestarts = 0;

  constructor(
    readonly config: UpstreamConfig,
    private readonly deps: McpGatewayDeps,
    private readonly validator: jsonSchemaValidator,
    private readonly sharedHooks: LinkHooks,
  ) {}

  get mode(): 'shared' | 'per-session' { return this.config.sessions.mode; }

  /** The simulator behind a `sim` upstream (tests and demos change it at runtime). */
  simState(): SimMcpState | undefined {
    if (this.config.kind !== 'sim') return undefined;
    this.sim ??= new SimMcpState(this.config.sim, this.deps.now);
    return this.sim;
  }

  private newLink(capabilities: ClientCapabilities, hooks: LinkHooks, autoRestart: boolean): UpstreamLink {
    return new UpstreamLink({
      name: this.config.name,
      config: this.config,
      capabilities,
      hooks,
      deps: this.deps,
      autoRestart,
      validator: this.validator,
      makeTransport: (clientId) => createUpstreamTransport(this.config, this.deps, () => this.simState() as SimMcpState, clientId),
    });
  }

  /** Connects the shared client (or probes a per-session server) without waiting. */
  start(): void {
    if (this.mode === 'shared') {
      this.shared ??= this.newLink({}, this.sharedHooks, true);
      this.shared.ready().then(() => this.learn(this.shared as UpstreamLink), () => undefined);
    } else {
      this.describe().catch(() => undefined);
    }
  }

  private learn(link: UpstreamLink): void {
    const capabilities = link.serverCapabilities;
    const serverInfo = link.serverVersion;
    if (capabilities && serverInfo) this.info = { capabilities, serverInfo, instructions: link.instructions };
  }

  /** The upstream's capabilities and identity; probes once for per-session servers. */
  async describe(): Promise<UpstreamInfo> {
    if (this.mode === 'shared') {
      const link = await this.linkFor(undefined);
      await link.ready();
      this.learn(link);
    }
    if (this.info) return this.info;
    this.probing ??= (async () => {
      const probe = this.newLink({}, {}, false);
      try {
        await probe.ready();
        this.learn(probe);
        this.probeError = undefined;
        if (!this.info) throw new McpGatewayError('MCP_UPSTREAM_UNAVAILABLE', `upstream ${this.config.name} sent no server info`);
        return this.info;
      } catch (err) {
        this.probeError = err instanceof Error ? err.message : String(err);
        throw err;
      } finally {
        this.probing = undefined;
        await probe.close();
      }
    })();
    return this.probing;
  }

  /** The client to use: the shared one, or this session's own (created on first use). */
  async linkFor(binding: SessionBinding | undefined): Promise<UpstreamLink> {
    if (this.mode === 'shared' || binding === undefined) {
      this.shared ??= this.newLink({}, this.sharedHooks, true);
      return this.shared;
    }
    const existing = this.perSession.get(binding.sessionId);
    if (existing) return existing;
    if (this.perSession.size >= this.config.sessions.maxSessions) this.evictIdle();
    const link = this.newLink(binding.capabilities, binding.hooks, false);
    this.perSession.set(binding.sessionId, link);
    link.ready().then(() => this.learn(link), () => undefined);
    return link;
  }

  /** At the pool limit: close the least recently used idle client, or refuse. */
  private evictIdle(): void {
    let victim: [string, UpstreamLink] | undefined;
    for (const entry of this.perSession) {
      if (entry[1].inFlight === 0 && (victim === undefined || entry[1].lastUsedMs < victim[1].lastUsedMs)) victim = entry;
    }
    if (victim === undefined) {
      throw new McpGatewayError('MCP_UPSTREAM_UNAVAILABLE', `upstream ${this.config.name}: all ${this.config.sessions.maxSessions} per-session clients are busy`);
    }
    this.release(victim[0]);
  }

  /** Ends a session's per-session client (its process, for stdio). */
  release(sessionId: string): void {
    const link = this.perSession.get(sessionId);
    if (!link) return;
    this.perSession.delete(sessionId);
    this.closedRestarts += link.restarts;
    void link.close();
  }

  /** Closes per-session clients idle for longer than the configured time. */
  reap(nowMs: number): void {
    for (const [id, link] of this.perSession) {
      if (link.inFlight === 0 && nowMs - link.lastUsedMs > this.config.sessions.idleTimeoutMs) this.release(id);
    }
  }

  /** The per-session client of a session, if it has one (tests: crash it by pid). */
  sessionLink(sessionId: string): UpstreamLink | undefined {
    return this.perSession.get(sessionId);
  }

  sharedLink(): UpstreamLink | undefined {
    return this.shared;
  }

  health(): UpstreamHealth {
    const base = { server: this.config.name, kind: this.config.kind, mode: this.mode, sessions: this.perSession.size };
    if (this.mode === 'shared') {
      const link = this.shared;
      const status: UpstreamStatus = !link ? 'idle' : link.state === 'up' ? 'up' : link.state === 'connecting' ? (link.restarts > 0 ? 'restarting' : 'starting') : link.state === 'backoff' ? 'restarting' : link.state === 'idle' ? 'idle' : 'down';
      return { ...base, status, restarts: link?.restarts ?? 0, ...(link?.lastError && status !== 'up' ? { lastError: link.lastError } : {}) };
    }
    const links = [...this.perSession.values()];
    const restarts = this.closedRestarts + links.reduce((n, l) => n + l.restarts, 0);
    const status: UpstreamStatus = links.some((l) => l.state === 'up') ? 'up' : this.probing ? 'starting' : this.probeError ? 'down' : this.info ? 'up' : 'idle';
    return { ...base, status, restarts, ...(this.probeError && status === 'down' ? { lastError: this.probeError } : {}) };
  }

  async close(): Promise<void> {
    const links = [...this.perSession.values()];
    this.perSession.clear();
    await Promise.all([this.shared?.close(), ...links.map((l) => l.close())]);
    this.shared = undefined;
  }
}
