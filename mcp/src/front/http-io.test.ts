import { describe, expect, it } from 'vitest';
import { BoundedEventStore } from './event-store.js';
import { firstRequestId, isJsonContentType, methodOf, parseJsonRpc } from './http-io.js';

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
