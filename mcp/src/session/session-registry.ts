import type { McpCore } from '../core.js';
import { McpGatewayError } from '../errors.js';
import type { FrontSession } from './front-session.js';

/**
 * Every open agent session (all front transports), with the session cap and idle reaping
 * (front sessions and per-session upstream clients alike).
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, FrontSession>();
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;
  private readonly unsubscribeLists: () => void;

  constructor(private readonly core: McpCore) {
    this.reschedule();
    this.unsubscribe = core.onToolsChanged((server) => {
      for (const s of this.sessions.values()) if (s.includes(server)) s.toolsChanged();
    });
    this.unsubscribeLists = core.onListChanged((server, method) => {
      for (const s of this.sessions.values()) if (s.includes(server)) s.notifyAgent({ jsonrpc: '2.0', method });
    });
  }

  /** Reaps at half the shortest idle timeout (between 50 ms and 5 s); call after a reload. */
  reschedule(): void {
    const mcp = this.core.config();
    const shortest = Math.min(mcp.limits.sessionIdleTimeoutMs, ...mcp.upstreams.map((u) => u.sessions.idleTimeoutMs));
    clearInterval(this.timer);
    this.timer = setInterval(() => this.reap(), Math.max(50, Math.min(5_000, Math.floor(shortest / 2))));
    this.timer.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  get(id: string): FrontSession | undefined {
    return this.sessions.get(id);
  }

  /** Refuses a new session when the gateway already holds the configured maximum. */
  assertCapacity(): void {
    const max = this.core.config().limits.maxSessions;
    if (this.sessions.size >= max) throw new McpGatewayError('MCP_TOO_MANY_SESSIONS', `too many MCP sessions (${max}); retry later`, { headers: { 'retry-after': '5' } });
  }

  add(session: FrontSession): void {
    this.sessions.set(session.id, session);
  }

  async remove(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    await session.close();
  }

  /** Closes sessions idle past the limit, then idle per-session upstream clients. */
  reap(nowMs = this.core.deps.now()): void {
    const idleMs = this.core.config().limits.sessionIdleTimeoutMs;
    for (const [id, s] of this.sessions) {
      if (!s.busy() && nowMs - s.lastActiveMs > idleMs) {
        this.core.deps.logger.info({ session: id }, 'mcp session idle; closing');
        void this.remove(id);
      }
    }
    this.core.reap(nowMs);
  }

  async closeAll(): Promise<void> {
    clearInterval(this.timer);
    this.unsubscribe();
    this.unsubscribeLists();
    const ids = [...this.sessions.keys()];
    await Promise.all(ids.map((id) => this.remove(id)));
  }
}
