import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { BoundedEventStore } from './event-store.js';
import { parseJsonRpc } from './http-io.js';
import { StreamableHttpTransport } from './streamable-http-transport.js';

/**
 * Contract test: the same HTTP exchanges against the SDK's `StreamableHTTPServerTransport`
 * (the reference) and ours, both under a plain SDK `Server`, must give the same statuses,
 * headers that matter and bodies (stream and event ids normalized).
 */

type Kind = 'sdk' | 'ours';
const SESSION = 'session-1';
const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
const ACCEPT = 'application/json, text/event-stream';
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function mcpServer(): Server {
  const server = new Server({ name: 'contract', version: '1.0.0' }, { capabilities: { tools: { listChanged: true }, logging: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [] }));
  server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
    switch (req.params.name) {
      case 'log':
        await extra.sendNotification({ method: 'notifications/message', params: { level: 'info', data: 'working' } });
        return { content: [{ type: 'text', text: 'logged' }] };
      case 'close-stream':
        await wait(20);
        extra.closeSSEStream?.();
        await wait(60);
        return { content: [{ type: 'text', text: 'after reconnect' }] };
      case 'slow':
        await wait(600);
        return { content: [{ type: 'text', text: 'slow done' }] };
      case 'list-changed':
        await server.sendToolListChanged();
        return { content: [{ type: 'text', text: 'announced' }] };
      default:
        return { content: [{ type: 'text', text: `echo ${JSON.stringify(req.params.arguments ?? {})}` }] };
    }
  });
  return server;
}

interface Harness { url: string; closedSessions: string[]; http: HttpServer }

async function start(kind: Kind): Promise<Harness> {
  const closedSessions: string[] = [];
  const opts = { eventStore: new BoundedEventStore(100), onsessionclosed: (id: string) => void closedSessions.push(id) };
  const transport = kind === 'sdk'
    ? new StreamableHTTPServerTransport({ ...opts, sessionIdGenerator: () => SESSION, retryInterval: 1_000 })
    : new StreamableHttpTransport({ ...opts, sessionId: SESSION, retryIntervalMs: 1_000 });
  await mcpServer().connect(transport);
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: unknown;
      if (chunks.length > 0) {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        // Ours gets what the front hands it: validated messages when they are valid.
        if (kind === 'ours' && body !== undefined) {
          try {
            body = parseJsonRpc(body);
          } catch { /* left raw: the transport validates it itself */ }
        }
      }
      if (chunks.length > 0 && body === undefined) {
        res.writeHead(400).end('bad json');
        return;
      }
      void transport.handleRequest(req, res, body);
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`, closedSessions, http };
}

interface Seen { status: number; type: string | null; session: string | null; allow: string | null; body: string }

const normalize = (text: string) => text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<stream>');

async function seen(res: Response): Promise<Seen> {
  return { status: res.status, type: res.headers.get('content-type'), session: res.headers.get('mcp-session-id'), allow: res.headers.get('allow'), body: normalize(await res.text()) };
}

/** Reads an open SSE stream until `until` matches (or a time limit), then drops it; `raw` keeps the ids. */
async function readUntil(res: Response, until: RegExp, limitMs = 2_000): Promise<Seen & { raw: string }> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + limitMs;
  while (!until.test(text) && Date.now() < deadline) {
    const next = await Promise.race([reader.read(), wait(deadline - Date.now()).then(() => undefined)]);
    if (!next || next.done) break;
    text += decoder.decode(next.value, { stream: true });
  }
  await reader.cancel().catch(() => undefined);
  return { status: res.status, type: res.headers.get('content-type'), session: res.headers.get('mcp-session-id'), allow: null, body: normalize(text), raw: text };
}

const shown = ({ raw: _raw, ...rest }: Seen & { raw: string }): Seen => rest;

/** The scripted exchanges; returns what the client saw at each step. */
async function script(h: Harness): Promise<Record<string, Seen | string[]>> {
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT, ...headers }, body: JSON.stringify(body) });
  const inSession = { 'mcp-session-id': SESSION, 'mcp-protocol-version': '2025-11-25' };
  const out: Record<string, Seen | string[]> = {};
  out.beforeInit = await seen(await post({ jsonrpc: '2.0', id: 0, method: 'tools/list' }, inSession));
  out.getBeforeInit = await seen(await fetch(h.url, { headers: { accept: 'text/event-stream', ...inSession } }));
  out.notAcceptable = await seen(await post(INIT, { accept: 'application/json' }));
  out.wrongMediaType = await seen(await fetch(h.url, { method: 'POST', headers: { 'content-type': 'text/plain', accept: ACCEPT }, body: JSON.stringify(INIT) }));
  out.twoInits = await seen(await post([INIT, { ...INIT, id: 2 }]));
  out.init = await seen(await post(INIT));
  out.initAgain = await seen(await post({ ...INIT, id: 3 }));
  out.initialized = await seen(await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, inSession));
  out.noSession = await seen(await post({ jsonrpc: '2.0', id: 4, method: 'tools/list' }, { 'mcp-protocol-version': '2025-11-25' }));
  out.otherSession = await seen(await post({ jsonrpc: '2.0', id: 5, method: 'tools/list' }, { ...inSession, 'mcp-session-id': 'nope' }));
  out.badVersion = await seen(await post({ jsonrpc: '2.0', id: 6, method: 'tools/list' }, { ...inSession, 'mcp-protocol-version': '1999-01-01' }));
  out.call = await seen(await post({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'echo', arguments: { a: 1 } } }, inSession));
  out.withLog = await seen(await post({ jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'log' } }, inSession));
  out.oldClient = await seen(await post({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'echo' } }, { ...inSession, 'mcp-protocol-version': '2025-03-26' }));
  out.batch = await seen(await post([{ jsonrpc: '2.0', id: 10, method: 'tools/list' }, { jsonrpc: '2.0', method: 'notifications/roots/list_changed' }, { jsonrpc: '2.0', id: 11, method: 'ping' }], inSession));
  out.tooBig = await seen(await post(Array.from({ length: 101 }, (_, i) => ({ jsonrpc: '2.0', id: 100 + i, method: 'ping' })), inSession));
  out.invalidMessage = await seen(await post({ jsonrpc: '2.0', id: 12, method: 42 }, inSession));
  out.responseOnly = await seen(await post({ jsonrpc: '2.0', id: 'server-1', result: {} }, inSession));
  out.getNotAcceptable = await seen(await fetch(h.url, { headers: { accept: 'application/json', ...inSession } }));

  // The standalone stream: one per session; server-initiated messages arrive on it.
  const standalone = await fetch(h.url, { headers: { accept: 'text/event-stream', ...inSession } });
  out.secondGet = await seen(await fetch(h.url, { headers: { accept: 'text/event-stream', ...inSession } }));
  const announced = await post({ jsonrpc: '2.0', id: 13, method: 'tools/call', params: { name: 'list-changed' } }, inSession);
  const standaloneSeen = await readUntil(standalone, /list_changed/);
  out.standalone = shown(standaloneSeen);
  out.announced = await seen(announced);

  // SEP-1699: the server closes the POST stream mid-call; the client resumes with GET.
  const polled = await readUntil(await post({ jsonrpc: '2.0', id: 14, method: 'tools/call', params: { name: 'close-stream' } }, inSession), /(?!)/, 2_000);
  out.closedEarly = shown(polled);
  const lastId = [...polled.raw.matchAll(/id: (\S+)/g)].pop()?.[1];
  out.badEventId = await seen(await fetch(h.url, { headers: { accept: 'text/event-stream', ...inSession, 'last-event-id': 'no-dot' } }));
  out.resumed = lastId === undefined ? { status: 0, type: null, session: null, allow: null, body: 'no event id' } : shown(await readUntil(await fetch(h.url, { headers: { accept: 'text/event-stream', ...inSession, 'last-event-id': lastId } }), /after reconnect/));

  // Stored while the standalone stream is away, replayed when it comes back.
  await wait(200); // the server notices the dropped stream
  out.announcedAgain = await seen(await post({ jsonrpc: '2.0', id: 16, method: 'tools/call', params: { name: 'list-changed' } }, inSession));
  out.standaloneResumed = shown(await readUntil(await fetch(h.url, { headers: { accept: 'text/event-stream', ...inSession, 'last-event-id': /id: (\S+)/.exec(standaloneSeen.raw)?.[1] ?? 'missing' } }), /list_changed/));

  // A live stream cannot be taken over; a client that left mid-call gets its answer on resume.
  const slow = await post({ jsonrpc: '2.0', id: 17, method: 'tools/call', params: { name: 'slow' } }, inSession);
  const reader = (slow.body as ReadableStream<Uint8Array>).getReader();
  const priming = new TextDecoder().decode((await reader.read()).value);
  const slowId = /id: (\S+)/.exec(priming)?.[1] ?? 'missing';
  out.takeover = await seen(await fetch(h.url, { headers: { accept: 'text/event-stream', ...inSession, 'last-event-id': slowId } }));
  await reader.cancel();
  // The call ends (600 ms) while no client listens: its answer is kept for the resume.
  await wait(800);
  out.answerAfterLeaving = shown(await readUntil(await fetch(h.url, { headers: { accept: 'text/event-stream', ...inSession, 'last-event-id': slowId } }), /slow done/));

  // DELETE ends the open streams.
  await wait(200);
  const lastStandalone = await fetch(h.url, { headers: { accept: 'text/event-stream', ...inSession } });
  await wait(20);
  const ended = readUntil(lastStandalone, /(?!)/, 2_000);
  out.put = await seen(await fetch(h.url, { method: 'PUT', headers: inSession }));
  out.deleteWrongSession = await seen(await fetch(h.url, { method: 'DELETE', headers: { ...inSession, 'mcp-session-id': 'nope' } }));
  out.delete = await seen(await fetch(h.url, { method: 'DELETE', headers: inSession }));
  const t0 = Date.now();
  out.standaloneAtDelete = shown(await ended);
  out.standaloneEndedPromptly = [String(Date.now() - t0 < 1_000)];
  out.afterDelete = await seen(await post({ jsonrpc: '2.0', id: 15, method: 'tools/list' }, inSession));
  out.closedSessions = h.closedSessions;
  return out;
}

describe('Streamable HTTP server transport (Node-native) against the SDK transport', () => {
  const open: HttpServer[] = [];
  afterEach(async () => {
    for (const http of open.splice(0)) {
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    }
  });

  it('answers every scripted exchange as the SDK transport does', async () => {
    const results: Record<Kind, Record<string, Seen | string[]>> = { sdk: {}, ours: {} };
    for (const kind of ['sdk', 'ours'] as const) {
      const h = await start(kind);
      open.push(h.http);
      results[kind] = await script(h);
    }
    expect(results.ours).toEqual(results.sdk);
    // The script exercised what it meant to.
    const sdk = results.sdk as Record<string, Seen>;
    expect(sdk.init?.body).toMatch(/^id: <stream>\.1\nretry: 1000\ndata: \n\n/);
    expect(sdk.standalone?.body).toContain('notifications/tools/list_changed');
    expect(sdk.resumed?.body).toContain('after reconnect');
    expect(sdk.secondGet?.status).toBe(409);
    expect(sdk.delete?.status).toBe(200);
    expect(sdk.standaloneResumed?.body).toContain('_GET_stream.');
    expect(sdk.takeover?.status).toBe(409);
    expect(sdk.answerAfterLeaving?.body).toContain('slow done');
    expect(results.sdk.standaloneEndedPromptly).toEqual(['true']);
  });
});
