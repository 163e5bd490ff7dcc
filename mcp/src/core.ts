import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { ArgumentValidator } from './argument-validator.js';
import type { McpSection } from './config.js';
import type { UpstreamConfig } from './config-upstream.js';
import type { McpGatewayDeps } from './deps.js';
import { ToolPins } from './tool-pins.js';
import { UpstreamRuntime, type UpstreamHealth } from './upstream/upstream-runtime.js';

/** What sessions and endpoints share: config snapshot, upstream runtimes, pins, validators. */
export class McpCore {
  readonly pins = new ToolPins();
  readonly argValidator: ArgumentValidator;
  /** One Ajv instance for every SDK Server/Client the gateway creates (they build one each otherwise). */
  readonly schemaValidator = new AjvJsonSchemaValidator();
  private readonly runtimes = new Map<string, UpstreamRuntime>();
  private readonly toolsChangedListeners = new Set<(server: string) => void>();
  private readonly listChangedListeners = new Set<(server: string, method: string) => void>();
  private snapshot: McpSection;

  constructor(section: McpSection, readonly deps: McpGatewayDeps) {
    this.snapshot = section;
    this.argValidator = new ArgumentValidator((fingerprint, err) =>
      deps.logger.warn({ fingerprint, err: err instanceof Error ? err.message : String(err) }, 'tool inputSchema not enforceable'));
    this.applyApprovals(section);
  }

  config(): McpSection {
    return this.snapshot;
  }

  runtime(name: string): UpstreamRuntime | undefined {
    return this.runtimes.get(name);
  }

  upstreamConfig(name: string): UpstreamConfig | undefined {
    return this.snapshot.upstreams.find((u) => u.name === name && u.enabled);
  }

  /** Subscribes to "an upstream's tool list changed" (shared clients). */
  onToolsChanged(listener: (server: string) => void): () => void {
    this.toolsChangedListeners.add(listener);
    return () => this.toolsChangedListeners.delete(listener);
  }

  /** Subscribes to resources/prompts `list_changed` from shared clients. */
  onListChanged(listener: (server: string, method: string) => void): () => void {
    this.listChangedListeners.add(listener);
    return () => this.listChangedListeners.delete(listener);
  }

  private createRuntime(config: UpstreamConfig): UpstreamRuntime {
    const runtime = new UpstreamRuntime(config, this.deps, this.schemaValidator, {
      onToolsChanged: () => { for (const l of this.toolsChangedListeners) l(config.name); },
      // A shared client serves everyone: only list changes can be told to every agent.
      onNotification: (n) => {
        if (n.method !== 'notifications/resources/list_changed' && n.method !== 'notifications/prompts/list_changed') return;
        for (const l of this.listChangedListeners) l(config.name, n.method);
      },
      onStateChange: (state) => this.deps.logger.info({ upstream: config.name, state }, 'mcp upstream state'),
    });
    this.runtimes.set(config.name, runtime);
    runtime.start();
    return runtime;
  }

  /** Connects shared upstreams and probes per-session ones, without waiting for them. */
  start(): void {
    for (const u of this.snapshot.upstreams) if (u.enabled && !this.runtimes.has(u.name)) this.createRuntime(u);
  }

  /**
   * Applies a new config: unchanged upstreams keep their clients (and sessions); changed
   * ones restart; removed ones close. Returns the names restarted or removed.
   */
  async reload(next: McpSection): Promise<string[]> {
    const touched: string[] = [];
    const closing: Promise<void>[] = [];
    for (const [name, runtime] of this.runtimes) {
      const fresh = next.upstreams.find((u) => u.name === name && u.enabled);
      if (fresh && JSON.stringify(fresh) === JSON.stringify(runtime.config)) continue;
      this.runtimes.delete(name);
      touched.push(name);
      closing.push(runtime.close());
    }
    this.snapshot = next;
    this.applyApprovals(next);
    // A client that fails to close must not keep the new config's upstreams from starting.
    for (const r of await Promise.allSettled(closing)) {
      if (r.status === 'rejected') this.deps.logger.warn({ err: r.reason instanceof Error ? r.reason.message : String(r.reason) }, 'mcp upstream did not close cleanly on reload');
    }
    this.start();
    for (const name of touched) for (const l of this.toolsChangedListeners) l(name);
    return touched;
  }

  private applyApprovals(section: McpSection): void {
    for (const u of section.upstreams) {
      for (const [tool, fingerprint] of Object.entries(u.approvedTools)) this.pins.approve(u.name, tool, fingerprint);
    }
  }

  /** Approves a tool definition (it becomes the pin) and tells the agents their lists changed. */
  approve(server: string, tool: string, fingerprint?: string): boolean {
    const ok = this.pins.approve(server, tool, fingerprint);
    if (ok) for (const l of this.toolsChangedListeners) l(server);
    return ok;
  }

  /** Releases every per-session client a front session held. */
  releaseSession(sessionId: string): void {
    for (const runtime of this.runtimes.values()) runtime.release(sessionId);
  }

  reap(nowMs: number): void {
    for (const runtime of this.runtimes.values()) runtime.reap(nowMs);
  }

  health(): UpstreamHealth[] {
    return this.snapshot.upstreams.filter((u) => u.enabled).map((u) =>
      this.runtimes.get(u.name)?.health() ?? { server: u.name, kind: u.kind, mode: u.sessions.mode, status: 'idle', sessions: 0, restarts: 0 });
  }

  async close(): Promise<void> {
    const all = [...this.runtimes.values()];
    this.runtimes.clear();
    await Promise.all(all.map((r) => r.close()));
  }
}
