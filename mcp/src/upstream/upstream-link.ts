import { randomUUID } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ClientCapabilities, JSONRPCNotification, JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import type { z } from 'zod';
import type { UpstreamConfig } from '../config-upstream.js';
import type { McpGatewayDeps } from '../deps.js';
import { McpGatewayError } from '../errors.js';
import { ToolListResultSchema, type UpstreamTool } from '../wire-schemas.js';
import { mayRetry, restartDelayMs } from './restart-backoff.js';
import type { UpstreamTransport } from './transport-factory.js';

export type LinkState = 'idle' | 'connecting' | 'up' | 'backoff' | 'down' | 'closed';

/** Where a link sends what the upstream initiates. */
export interface LinkHooks {
  /** Server→client requests (sampling, elicitation, roots/list); absent = method not found. */
  onRequest?: (request: JSONRPCRequest, signal: AbortSignal) => Promise<Record<string, unknown>>;
  /** Upstream notifications other than progress/cancelled (logging, list_changed, …). */
  onNotification?: (notification: JSONRPCNotification) => void;
  onToolsChanged?: () => void;
  onStateChange?: (state: LinkState) => void;
}

export interface LinkOptions {
  name: string;
  config: UpstreamConfig;
  capabilities: ClientCapabilities;
  /** A fresh transport per connection attempt; `clientId` is stable for the link's life. */
  makeTransport: (clientId: string) => UpstreamTransport;
  hooks: LinkHooks;
  deps: McpGatewayDeps;
  /** Shared links restart themselves on a timer; per-session ones reconnect on next use. */
  autoRestart: boolean;
  validator: jsonSchemaValidator;
}

const MAX_TOOL_PAGES = 100;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * One MCP client connection to one upstream, reconnecting with backoff after a crash or a
 * failed connect. Requests wait for a restart due within the connect timeout, else fail
 * fast with MCP_UPSTREAM_UNAVAILABLE.
 */
export class UpstreamLink {
  state: LinkState = 'idle';
  lastError: string | undefined;
  restarts = 0;
  inFlight = 0;
  lastUsedMs: number;
  private client: Client | undefined;
  private current: UpstreamTransport | undefined;
  private connecting: Promise<Client> | undefined;
  private failures = 0;
  private nextAttemptAtMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private toolsCache: Promise<UpstreamTool[]> | undefined;

  readonly clientId = randomUUID();

  constructor(private readonly opts: LinkOptions) {
    this.lastUsedMs = opts.deps.now();
  }

  get name(): string { return this.opts.name; }
  get transportInfo(): UpstreamTransport | undefined { return this.current; }
  get serverCapabilities() { return this.client?.getServerCapabilities(); }
  get serverVersion() { return this.client?.getServerVersion(); }
  get instructions() { return this.client?.getInstructions(); }
  pid(): number | null { return this.current?.pid?.() ?? null; }

  /** The connected client, connecting or waiting for a due restart as needed. */
  ready(): Promise<Client> {
    if (this.state === 'closed') return Promise.reject(this.unavailable('closed'));
    if (this.state === 'up' && this.client) return Promise.resolve(this.client);
    if (this.connecting) return this.connecting;
    if (this.state === 'down') return Promise.reject(this.unavailable(`down after ${this.failures} failed restarts: ${this.lastError ?? ''}`));
    const waitMs = this.state === 'backoff' ? this.nextAttemptAtMs - this.opts.deps.now() : 0;
    if (waitMs > this.opts.config.timeouts.connectMs) {
      return Promise.reject(this.unavailable(`restarting (next attempt in ${waitMs} ms): ${this.lastError ?? ''}`));
    }
    return this.connect(Math.max(0, waitMs));
  }

  /** Sends one request, counting it as in flight; retries once when an HTTP session expired. */
  async request<S extends z.ZodType>(req: { method: string; params?: Record<string, unknown> }, schema: S, options: RequestOptions, retry = true): Promise<z.infer<S>> {
    // In flight from the start: a connect in progress must not look idle to the reaper.
    this.inFlight += 1;
    this.lastUsedMs = this.opts.deps.now();
    try {
      const client = await this.ready();
      const result = (await client.request(req as never, schema as never, options)) as z.infer<S>;
      this.failures = 0;
      return result;
    } catch (err) {
      // The upstream forgot our session (it restarted): nothing was processed, start over once.
      if (retry && err instanceof StreamableHTTPError && err.code === 404) {
        if (this.client) this.drop(this.client);
        return this.request(req, schema, options, false);
      }
      throw err;
    } finally {
      this.inFlight -= 1;
      this.lastUsedMs = this.opts.deps.now();
    }
  }

  async notify(notification: { method: string; params?: Record<string, unknown> }): Promise<void> {
    if (this.state !== 'up' || !this.client) return;
    await this.client.notification(notification as never);
  }

  /** Every tool of the upstream (all pages), cached until `tools/list_changed` or reconnect. */
  tools(): Promise<UpstreamTool[]> {
    if (this.toolsCache === undefined) {
      const p = this.fetchTools();
      this.toolsCache = p;
      p.catch(() => { if (this.toolsCache === p) this.toolsCache = undefined; });
    }
    return this.toolsCache;
  }

  private async fetchTools(): Promise<UpstreamTool[]> {
    const out: UpstreamTool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      const r = await this.request({ method: 'tools/list', params: cursor ? { cursor } : {} }, ToolListResultSchema, { timeout: this.opts.config.timeouts.requestMs });
      out.push(...r.tools);
      cursor = r.nextCursor;
      if (!cursor) break;
    }
    return out;
  }

  private connect(delayMs: number): Promise<Client> {
    clearTimeout(this.timer);
    const attempt = (async () => {
      if (delayMs > 0) await sleep(delayMs);
      if (this.state === 'closed') throw this.unavailable('closed');
      this.setState('connecting');
      const t = this.opts.makeTransport(this.clientId);
      const client = new Client({ name: 'sluice-mcp-gateway', version: '0.1.0' }, { capabilities: this.opts.capabilities, jsonSchemaValidator: this.opts.validator });
      client.fallbackNotificationHandler = async (n) => this.onNotification(n as JSONRPCNotification);
      const onRequest = this.opts.hooks.onRequest;
      if (onRequest) client.fallbackRequestHandler = async (req, extra) => onRequest(req as JSONRPCRequest, extra.signal) as never;
      client.onclose = () => this.onClientClosed(client);
      client.onerror = (err) => this.opts.deps.logger.debug({ upstream: this.name, err: err.message }, 'mcp upstream transport error');
      await client.connect(t.transport, { timeout: this.opts.config.timeouts.connectMs });
      if ((this.state as LinkState) === 'closed') { void client.close(); throw this.unavailable('closed'); }
      this.client = client;
      this.current = t;
      this.toolsCache = undefined;
      this.setState('up');
      return client;
    })();
    const tracked = attempt.catch((err: unknown) => { throw this.onConnectFailed(err); }).finally(() => { this.connecting = undefined; });
    this.connecting = tracked;
    tracked.catch(() => undefined);
    return tracked;
  }

  private onConnectFailed(err: unknown): McpGatewayError {
    if (err instanceof McpGatewayError && this.state === 'closed') return err;
    this.failures += 1;
    this.lastError = err instanceof Error ? err.message : String(err);
    this.scheduleRestart();
    this.opts.deps.logger.warn({ upstream: this.name, err: this.lastError, failures: this.failures }, 'mcp upstream connect failed');
    return err instanceof McpGatewayError ? err : this.unavailable(this.lastError, err);
  }

  private onClientClosed(client: Client): void {
    if (client !== this.client || this.state === 'closed') return;
    this.client = undefined;
    this.toolsCache = undefined;
    this.restarts += 1;
    this.failures += 1;
    this.lastError = 'connection closed (upstream exited or dropped the connection)';
    this.opts.deps.logger.warn({ upstream: this.name, restarts: this.restarts }, 'mcp upstream connection lost');
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    if (this.state === 'closed') return;
    const policy = 'restart' in this.opts.config ? this.opts.config.restart : undefined;
    if (policy && !mayRetry(this.failures, policy)) return this.setState('down');
    const delay = policy ? restartDelayMs(this.failures, policy, this.opts.deps.random) : 1_000;
    this.nextAttemptAtMs = this.opts.deps.now() + delay;
    this.setState('backoff');
    if (this.opts.autoRestart) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => { if (!this.connecting && this.state === 'backoff') this.connect(0).catch(() => undefined); }, delay);
      this.timer.unref();
    }
  }

  private onNotification(n: JSONRPCNotification): void {
    if (n.method === 'notifications/tools/list_changed') {
      this.toolsCache = undefined;
      this.opts.hooks.onToolsChanged?.();
    }
    this.opts.hooks.onNotification?.(n);
  }

  /** Forgets a client whose upstream session is gone; the next request reconnects. */
  private drop(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.toolsCache = undefined;
    this.setState('idle');
    void client.close().catch(() => undefined);
  }

  private setState(state: LinkState): void {
    if (this.state === state) return;
    this.state = state;
    this.opts.hooks.onStateChange?.(state);
  }

  private unavailable(message: string, cause?: unknown): McpGatewayError {
    return new McpGatewayError('MCP_UPSTREAM_UNAVAILABLE', `upstream ${this.name} unavailable: ${message}`, { cause });
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.setState('closed');
    const client = this.client;
    this.client = undefined;
    await client?.close().catch(() => undefined);
  }
}
