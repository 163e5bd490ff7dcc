import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startSimMcpServer } from '../../scenarios/src/sim-mcp/index.js';
import { McpSectionSchema } from '../src/config.js';
import type { McpGatewayDeps } from '../src/deps.js';
import { createMcpGateway } from '../src/gateway.js';
import { quietFetch } from '../src/upstream/quiet-fetch.js';

export interface BenchMcpOptions {
  /** Measured tools/call per side (after a warm-up of min(200, calls)). */
  calls: number;
  /** Agents calling at once (one MCP session each). */
  concurrency: number;
  /** Optional real dependencies (tracer, policy) to measure their cost too. */
  deps?: Partial<McpGatewayDeps>;
}

export interface BenchMcpResult {
  calls: number;
  concurrency: number;
  directP50Ms: number;
  directP99Ms: number;
  gatewayP50Ms: number;
  gatewayP99Ms: number;
  /** Latency the gateway adds (gateway − direct) at p50 / p99. */
  addedP50Ms: number;
  addedP99Ms: number;
  directCallsPerSec: number;
  gatewayCallsPerSec: number;
  /** gateway throughput / direct throughput (1 = no loss). */
  throughputRatio: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (n: number) => Math.round(n * 1000) / 1000;

async function agents(url: string, n: number): Promise<Client[]> {
  return Promise.all(Array.from({ length: n }, async (_, i) => {
    const client = new Client({ name: `bench-${i}`, version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { fetch: quietFetch }));
    return client;
  }));
}

/** Runs `calls` tool calls spread over the clients; latencies in ms and wall time. */
async function drive(clients: Client[], tool: string, calls: number): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(clients.map(async (client) => {
    while (next < calls) {
      next += 1;
      const t0 = performance.now();
      const r = await client.callTool({ name: tool, arguments: { a: 2, b: 3, op: 'add' } });
      latencies.push(performance.now() - t0);
      if (r.isError) throw new Error(`bench call failed: ${JSON.stringify(r.content)}`);
    }
  }));
  return { latencies: latencies.sort((a, b) => a - b), wallMs: performance.now() - started };
}

/**
 * tools/call latency and throughput through the gateway's federated endpoint (the full
 * governed path) versus direct to the same simulated Streamable HTTP upstream.
 */
export async function benchMcp(opts: BenchMcpOptions): Promise<BenchMcpResult> {
  const sim = await startSimMcpServer({ seed: 1 });
  const mcp = McpSectionSchema.parse({ upstreams: [{ name: 'sim', kind: 'streamable-http', url: sim.url }] });
  const gateway = createMcpGateway({ config: () => ({ mcp }), deps: opts.deps });
  const http = createServer((req, res) => { void gateway.handle(req, res).then((ok) => { if (!ok) res.writeHead(404).end(); }); });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const gatewayUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
  const direct = await agents(sim.url, opts.concurrency);
  const via = await agents(gatewayUrl, opts.concurrency);
  try {
    const warm = Math.min(200, opts.calls);
    await drive(direct, 'calculate', warm);
    await drive(via, 'sim__calculate', warm);
    // Interleaved batches, so load from elsewhere on the machine hits both sides alike.
    const d = { latencies: [] as number[], wallMs: 0 };
    const g = { latencies: [] as number[], wallMs: 0 };
    const batch = Math.max(opts.concurrency, 100);
    for (let done = 0; done < opts.calls; done += batch) {
      const n = Math.min(batch, opts.calls - done);
      const rd = await drive(direct, 'calculate', n);
      const rg = await drive(via, 'sim__calculate', n);
      d.latencies.push(...rd.latencies);
      d.wallMs += rd.wallMs;
      g.latencies.push(...rg.latencies);
      g.wallMs += rg.wallMs;
    }
    d.latencies.sort((a, b) => a - b);
    g.latencies.sort((a, b) => a - b);
    const directRate = (d.latencies.length / d.wallMs) * 1000;
    const gatewayRate = (g.latencies.length / g.wallMs) * 1000;
    return {
      calls: opts.calls,
      concurrency: opts.concurrency,
      directP50Ms: round(percentile(d.latencies, 50)),
      directP99Ms: round(percentile(d.latencies, 99)),
      gatewayP50Ms: round(percentile(g.latencies, 50)),
      gatewayP99Ms: round(percentile(g.latencies, 99)),
      addedP50Ms: round(percentile(g.latencies, 50) - percentile(d.latencies, 50)),
      addedP99Ms: round(percentile(g.latencies, 99) - percentile(d.latencies, 99)),
      directCallsPerSec: Math.round(directRate),
      gatewayCallsPerSec: Math.round(gatewayRate),
      throughputRatio: round(gatewayRate / directRate),
    };
  } finally {
    await Promise.all([...direct, ...via].map((c) => c.close()));
    await gateway.close();
    http.closeAllConnections();
    await new Promise<void>((r) => http.close(() => r()));
    await sim.close();
  }
}
