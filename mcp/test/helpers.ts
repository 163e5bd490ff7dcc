import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Client, type ClientOptions } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { McpSectionSchema, type McpSectionInput } from '../src/config.js';
import type { McpGatewayDeps } from '../src/deps.js';
import { createMcpGateway, type McpGateway } from '../src/gateway.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** Real MCP servers from npm, run as stdio or HTTP upstreams. */
export const EVERYTHING_JS = `${root}node_modules/@modelcontextprotocol/server-everything/dist/index.js`;
export const MEMORY_JS = `${root}node_modules/@modelcontextprotocol/server-memory/dist/index.js`;
export const REPO_ROOT = root;

export interface TestGateway {
  gateway: McpGateway;
  http: HttpServer;
  origin: string;
  url(path?: string): string;
  /** Replaces the `mcp` section and applies it (`gateway.reload()`). */
  reconfigure(mcp: McpSectionInput): Promise<void>;
  close(): Promise<void>;
}

/** The MCP gateway mounted on a plain node:http server on 127.0.0.1:0. */
export async function startGateway(mcp: McpSectionInput, deps: Partial<McpGatewayDeps> = {}, server?: { allowedHosts?: string[] }): Promise<TestGateway> {
  let section = McpSectionSchema.parse(mcp);
  const gateway = createMcpGateway({ config: () => ({ mcp: section, ...(server ? { server } : {}) }), deps });
  const http = createServer((req, res) => {
    gateway.handle(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end('not found');
    }, (err: unknown) => {
      res.writeHead(500).end(String(err));
    });
  });
  http.on('upgrade', (req, socket, head) => {
    if (!gateway.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    gateway,
    http,
    origin,
    url: (path = '/mcp') => `${origin}${path}`,
    async reconfigure(next) {
      section = McpSectionSchema.parse(next);
      await gateway.reload();
    },
    async close() {
      await gateway.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** An MCP SDK client (the agent) connected over Streamable HTTP. */
export async function connectAgent(url: string, opts: { headers?: Record<string, string>; options?: ClientOptions; name?: string } = {}): Promise<Client> {
  const client = new Client({ name: opts.name ?? 'test-agent', version: '1.0.0' }, opts.options ?? {});
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: opts.headers ?? {} } }));
  return client;
}

/** Ends an agent's session the way the spec says (DELETE), then closes the client. */
export async function closeAgent(client: Client): Promise<void> {
  const transport = client.transport;
  if (transport instanceof StreamableHTTPClientTransport) await transport.terminateSession().catch(() => undefined);
  await client.close();
}

/** A tracer that records spans in memory (not registered globally). */
export function memoryTracer() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return {
    tracer: provider.getTracer('test'),
    spans: (): ReadableSpan[] => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
  };
}

/** Polls `check` until it returns true (bounded). */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, stepMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

export const textOf = (result: unknown): string =>
  (((result as { content?: unknown }).content as Array<{ type: string; text?: string }> | undefined) ?? []).map((c) => c.text ?? '').join('\n');

/** A child process running an npm MCP server on loopback (see fixtures/loopback-only.cjs). */
export async function startHttpChild(script: string, args: string[]): Promise<{ port: number; stop(): Promise<void> }> {
  const { spawn } = await import('node:child_process');
  const preload = fileURLToPath(new URL('./fixtures/loopback-only.cjs', import.meta.url));
  const child = spawn(process.execPath, ['-r', preload, script, ...args], { env: { PATH: process.env.PATH ?? '', PORT: '0' }, stdio: ['ignore', 'ignore', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`${script} did not start`)), 10_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const m = /LOOPBACK_PORT=(\d+)/.exec(buffered);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${script} exited with ${code}`)); });
  });
  return {
    port,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
