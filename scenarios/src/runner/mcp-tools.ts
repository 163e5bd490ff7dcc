import { AsyncLocalStorage } from 'node:async_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';

/**
 * Tool calls over MCP Streamable HTTP with the official SDK client, the way an agent makes
 * them. One session per agent identity is shared by its runs (an agent process keeps its
 * connection); each call still carries its run's trace context in `_meta.traceparent` and
 * its run headers (through an async-local store read by the transport's fetch).
 */

export interface McpToolDef {
  name: string;
  description?: string;
  inputSchema: Record<string, unknown>;
}

export interface ToolCallResult {
  ok: boolean;
  /** `tool_error` (the tool said isError), `mcp:<json-rpc code>`, `mcp_transport`, `timeout`. */
  errorType?: string;
  errorMessage?: string;
  endMs: number;
  /** Result text, cut to a bound, for feeding back to the model. */
  text: string;
}

const MAX_RESULT_CHARS = 64 * 1024;
const runHeaders = new AsyncLocalStorage<Readonly<Record<string, string>>>();

function fetchWithRunHeaders(url: string | URL, init?: RequestInit): Promise<Response> {
  const extra = runHeaders.getStore();
  if (!extra) return fetch(url, init);
  const headers = new Headers(init?.headers);
  for (const [k, v] of Object.entries(extra)) headers.set(k, v);
  return fetch(url, { ...init, headers });
}

function textOf(result: { content?: unknown }): string {
  const parts = Array.isArray(result.content) ? (result.content as Array<{ type?: string; text?: string }>) : [];
  return parts.map((p) => (p.type === 'text' ? (p.text ?? '') : `[${p.type ?? 'content'}]`)).join('\n').slice(0, MAX_RESULT_CHARS);
}

function failure(err: unknown): { type: string; message: string } {
  if (err instanceof McpError) return { type: `mcp:${err.code}`, message: err.message };
  const e = err as { name?: string; message?: string; code?: number };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return { type: 'timeout', message: e.message ?? 'timed out' };
  return { type: 'mcp_transport', message: e.message ?? String(err) };
}

export class McpToolClient {
  #client: Promise<Client> | undefined;
  #tools: Promise<Map<string, McpToolDef>> | undefined;

  constructor(private readonly opts: { url: string; headers: Readonly<Record<string, string>>; timeoutMs: number; clientName: string; now: () => number }) {}

  #connect(): Promise<Client> {
    this.#client ??= (async () => {
      const client = new Client({ name: this.opts.clientName, version: '1.0.0' });
      const transport = new StreamableHTTPClientTransport(new URL(this.opts.url), {
        requestInit: { headers: { ...this.opts.headers } },
        fetch: fetchWithRunHeaders,
      });
      await client.connect(transport, { timeout: this.opts.timeoutMs });
      return client;
    })().catch((err: unknown) => {
      this.#client = undefined;
      throw err;
    });
    return this.#client;
  }

  /** Tools on the endpoint by exposed name (`<server>__<tool>`), listed once. */
  tools(): Promise<Map<string, McpToolDef>> {
    this.#tools ??= (async () => {
      const client = await this.#connect();
      const out = new Map<string, McpToolDef>();
      let cursor: string | undefined;
      for (let page = 0; page < 100; page++) {
        const r = await client.listTools(cursor ? { cursor } : {}, { timeout: this.opts.timeoutMs });
        for (const t of r.tools) out.set(t.name, { name: t.name, ...(t.description ? { description: t.description } : {}), inputSchema: t.inputSchema as Record<string, unknown> });
        cursor = r.nextCursor;
        if (!cursor) break;
      }
      return out;
    })().catch((err: unknown) => {
      this.#tools = undefined;
      throw err;
    });
    return this.#tools;
  }

  /** Calls one tool; never throws. */
  async call(name: string, args: Record<string, unknown>, traceparent: string, headers: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<ToolCallResult> {
    return runHeaders.run(headers, async () => {
      try {
        const client = await this.#connect();
        const result = (await client.callTool({ name, arguments: args, _meta: { traceparent } }, undefined, { timeout: this.opts.timeoutMs, ...(signal ? { signal } : {}) })) as { content?: unknown; isError?: unknown };
        const text = textOf(result);
        if (result.isError === true) return { ok: false, errorType: 'tool_error', errorMessage: text.slice(0, 200), endMs: this.opts.now(), text };
        return { ok: true, endMs: this.opts.now(), text };
      } catch (err) {
        const f = failure(err);
        // A broken session (server restarted, outage) is reopened by the next call.
        if (f.type === 'mcp_transport') await this.#reset();
        return { ok: false, errorType: f.type, errorMessage: f.message, endMs: this.opts.now(), text: '' };
      }
    });
  }

  async #reset(): Promise<void> {
    const old = this.#client;
    this.#client = undefined;
    this.#tools = undefined;
    if (old) await old.then((c) => c.close()).catch(() => undefined);
  }

  async close(): Promise<void> {
    const old = this.#client;
    this.#client = undefined;
    if (!old) return;
    const client = await old.catch(() => undefined);
    if (!client) return;
    const transport = client.transport as StreamableHTTPClientTransport | undefined;
    await transport?.terminateSession().catch(() => undefined);
    await client.close().catch(() => undefined);
  }
}

/** Arguments that satisfy a tool's input schema: required properties filled by type. */
export function argsFromSchema(schema: Record<string, unknown> | undefined): Record<string, unknown> {
  const props = (schema?.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = Array.isArray(schema?.required) ? (schema.required as string[]) : [];
  const out: Record<string, unknown> = {};
  for (const name of required) out[name] = valueFor(props[name] ?? {}, name);
  return out;
}

function valueFor(p: Record<string, unknown>, name: string): unknown {
  if (p.const !== undefined) return p.const;
  if (p.default !== undefined) return p.default;
  if (Array.isArray(p.enum) && p.enum.length > 0) return p.enum[0];
  const type = Array.isArray(p.type) ? p.type[0] : p.type;
  if (type === 'integer' || type === 'number') return typeof p.minimum === 'number' ? p.minimum : 1;
  if (type === 'boolean') return false;
  if (type === 'array') return [];
  if (type === 'object') return argsFromSchema(p);
  return `${name}-value`;
}
