import { Pool } from 'undici';

/**
 * Keep-alive connection pools to upstream origins, shared across config reloads so a
 * reload does not drop warm connections. Keyed by origin and connect options.
 */
export class UpstreamPools {
  private readonly pools = new Map<string, Pool>();

  get(origin: string, opts: { connectTimeoutMs: number; maxConnections: number }): Pool {
    const key = `${origin}|${opts.connectTimeoutMs}|${opts.maxConnections}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new Pool(origin, {
        connections: opts.maxConnections,
        connectTimeout: opts.connectTimeoutMs,
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 600_000,
        // Timeouts per request are set on each call (first byte / between chunks).
        headersTimeout: 0,
        bodyTimeout: 0,
        pipelining: 1,
      });
      this.pools.set(key, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const all = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(all.map((p) => p.close()));
  }

  /** Destroys pools at once (in-flight requests fail); for shutdown past the drain timeout. */
  async destroy(): Promise<void> {
    const all = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(all.map((p) => p.destroy()));
  }
}
