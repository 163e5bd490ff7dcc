import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headerRecord, headerValue, requestHref } from './request-view.js';

/**
 * Our reading of a Node request against the web `Request` that `@hono/node-server` (under the
 * SDK's transport) builds from the same request: header values, header record, URL, refusals.
 */

interface View { href: string | null; record: Record<string, string> | null; values: Record<string, string | null> | null }
const NAMES = ['accept', 'content-type', 'mcp-session-id', 'mcp-protocol-version', 'last-event-id', 'cookie', 'x-custom', 'user-agent'];

let server: Server;
let port = 0;
const seen: Array<{ ours: View; hono: View }> = [];

function ours(req: IncomingMessage): View {
  let href: string | null;
  try {
    href = requestHref(req);
  } catch {
    return { href: null, record: null, values: null };
  }
  return { href, record: headerRecord(req), values: Object.fromEntries(NAMES.map((n) => [n, headerValue(req, n)])) };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const mine = ours(req);
    let hono: View = { href: null, record: null, values: null };
    void getRequestListener(async (web) => {
      hono = { href: web.url, record: Object.fromEntries(web.headers.entries()), values: Object.fromEntries(NAMES.map((n) => [n, web.headers.get(n)])) };
      return new Response('ok');
    }, { overrideGlobalObjects: false })(req, res).then(() => seen.push({ ours: mine, hono }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

/** Sends one raw HTTP/1.1 request (exact bytes) and waits for the answer. */
function raw(head: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${head}\r\n\r\n`));
    socket.on('data', () => { socket.end(); });
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
  });
}

describe('request view (what the SDK transport reads through @hono/node-server)', () => {
  it('reads headers, the header record and the URL the same way', async () => {
    const requests = [
      'GET /mcp HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAccept: text/event-stream',
      'POST /mcp?x=1 HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\nAccept: text/event-stream\r\nContent-Type: application/json\r\nContent-Type: text/plain\r\nContent-Length: 0',
      'GET /mcp HTTP/1.1\r\nHost: localhost:3000\r\nCookie: a=1\r\nCookie: b=2\r\nX-Custom:   padded   \r\nX-CUSTOM: second\r\nUser-Agent: one\r\nUser-Agent: two',
      'GET /mcp HTTP/1.1\r\nHost: localhost\r\nMcp-Session-Id: s1\r\nmcp-session-id: s2\r\nMCP-Protocol-Version: 2025-11-25\r\nLast-Event-ID: abc.1',
      'GET /mcp/servers/a%20b/../x HTTP/1.1\r\nHost: localhost',
      'GET /mcp/./x HTTP/1.1\r\nHost: localhost',
      'GET http://example.com/mcp?q HTTP/1.1\r\nHost: localhost',
      'GET /mcp HTTP/1.1\r\nHost: [::1]:9000',
      'GET /mcp HTTP/1.1\r\nHost: LOCALHOST:65535',
      'GET /mcp\\x HTTP/1.1\r\nHost: localhost',
      'GET /mcp HTTP/1.1\r\nHost: ',
      'GET /mcp HTTP/1.0',
      'GET /mcp HTTP/1.1\r\nHost: exa mple',
      'GET /mcp HTTP/1.1\r\nHost: localhost\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2',
    ];
    for (const r of requests) await raw(r);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.length).toBe(requests.length);
    for (const s of seen) expect(s.ours).toEqual(s.hono);
    expect(seen.some((s) => s.hono.href === null)).toBe(true);
  });
});
