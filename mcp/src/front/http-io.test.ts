import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { McpGatewayError } from '../errors.js';
import { BoundedEventStore } from './event-store.js';
import { firstRequestId, isJsonContentType, methodOf, parseJsonRpc, readBody, sendGatewayError } from './http-io.js';

describe('JSON-RPC body checks', () => {
  it('maps bad JSON to -32700 and non-JSON-RPC to -32600', () => {
    expect(() => parseJsonRpc(Buffer.from('{'))).toThrow(expect.objectContaining({ rpcCode: -32700, httpStatus: 400 }));
    expect(() => parseJsonRpc('{"id":1}')).toThrow(expect.objectContaining({ rpcCode: -32600 }));
    expect(() => parseJsonRpc([])).toThrow(expect.objectContaining({ rpcCode: -32600 }));
    const ok = parseJsonRpc(Buffer.from('{"jsonrpc":"2.0","id":"a","method":"tools/list"}'));
    expect(methodOf(ok)).toBe('tools/list');
    expect(firstRequestId(ok)).toBe('a');
  });

  it('recognises JSON media types', () => {
    expect(isJsonContentType('application/json; charset=utf-8')).toBe(true);
    expect(isJsonContentType('application/jsonx')).toBe(false);
    expect(isJsonContentType(undefined)).toBe(false);
  });
});

describe('bounded SSE event store', () => {
  it('replays the events after an id on the same stream, dropping the oldest past capacity', async () => {
    const store = new BoundedEventStore(3);
    const msg = (id: number) => ({ jsonrpc: '2.0' as const, id, result: {} });
    const first = await store.storeEvent('s1', msg(1));
    await store.storeEvent('s2', msg(2));
    await store.storeEvent('s1', msg(3));
    const replayed: unknown[] = [];
    expect(await store.replayEventsAfter(first, { send: async (_id, m) => { replayed.push(m); } })).toBe('s1');
    expect(replayed).toEqual([msg(3)]);
    await store.storeEvent('s1', msg(4));
    expect(store.dropped).toBe(1);
  });
});

describe('request body reading', () => {
  /** POSTs `parts` as a chunked body to a server that reads it with a 64-byte limit. */
  async function post(parts: string[]): Promise<{ status: number; body: string; read: string }> {
    let read = '';
    const server = createServer((req, res) => {
      readBody(req, 64).then((b) => {
        read = b.toString('utf8');
        res.writeHead(200).end('ok');
      }, (err: unknown) => {
        read = err instanceof McpGatewayError ? err.code : String(err);
        if (err instanceof McpGatewayError) sendGatewayError(res, err);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      return await new Promise((resolve, reject) => {
        const req = request({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => { body += c.toString('utf8'); });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, read }));
        });
        req.on('error', reject);
        const next = (i: number) => {
          if (i === parts.length) { req.end(); return; }
          req.write(parts[i]);
          setTimeout(() => next(i + 1), 10);
        };
        next(0);
      });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }

  it('reads a chunked body whole', async () => {
    expect(await post(['{"a":', '1}'])).toMatchObject({ status: 200, read: '{"a":1}' });
  });

  it('refuses a chunked body past the limit and still answers 413', async () => {
    const r = await post(['x'.repeat(40), 'y'.repeat(40), 'z']);
    expect(r).toMatchObject({ status: 413, read: 'MCP_BODY_TOO_LARGE' });
    expect(JSON.parse(r.body)).toMatchObject({ error: { data: { code: 'MCP_BODY_TOO_LARGE' } } });
  });
});
