import { isJSONRPCErrorResponse, isJSONRPCNotification, isJSONRPCRequest, isJSONRPCResultResponse, JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isNotificationMessage, isRequestMessage, isResponseMessage, parseMessage } from './jsonrpc-kind.js';

/** Values near the schemas' edges: message-like objects with odd ids, params, extra keys. */
const anyValue = fc.oneof(fc.constant(undefined), fc.constant(null), fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant({}), fc.constant([]));
const id = fc.oneof(fc.string(), fc.integer(), fc.constant(2 ** 53), fc.constant(1.5), fc.constant(Number.NaN), fc.constant(null), fc.constant(undefined));
const meta = fc.oneof(fc.constant(undefined), fc.constant({}), fc.record({ progressToken: fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean()) }), fc.constant(null), fc.constant('x'));
const objectish = fc.oneof(anyValue, fc.dictionary(fc.constantFrom('a', '_meta', 'content', 'code', 'message'), anyValue), fc.record({ _meta: meta }, { requiredKeys: [] }));
const error = fc.oneof(anyValue, fc.record({ code: fc.oneof(fc.integer(), fc.double(), fc.string()), message: fc.oneof(fc.string(), fc.integer()), data: anyValue }, { requiredKeys: [] }));
const message = fc.record(
  {
    jsonrpc: fc.oneof(fc.constant('2.0'), fc.constant('1.0'), anyValue),
    id,
    method: fc.oneof(fc.string(), anyValue),
    params: objectish,
    result: objectish,
    error,
    extra: anyValue,
  },
  { requiredKeys: [] },
);
/** Mostly well-formed messages, keys in any order, sometimes one field off. */
const loose = fc.oneof(fc.dictionary(fc.constantFrom('a', 'b', 'content', 'name', '_meta', 'progressToken'), fc.oneof(anyValue, fc.constant({ progressToken: 1 }))), fc.constant({}));
const shaped = fc.oneof(
  fc.record({ jsonrpc: fc.constant('2.0'), id: fc.oneof(fc.string(), fc.integer()), method: fc.string(), params: loose }, { requiredKeys: ['jsonrpc', 'id', 'method'] }),
  fc.record({ jsonrpc: fc.constant('2.0'), method: fc.string(), params: loose }, { requiredKeys: ['jsonrpc', 'method'] }),
  fc.record({ jsonrpc: fc.constant('2.0'), id: fc.oneof(fc.string(), fc.integer()), result: loose }),
  fc.record({ jsonrpc: fc.constant('2.0'), id: fc.oneof(fc.string(), fc.integer()), error: fc.record({ code: fc.integer(), message: fc.string(), data: anyValue }, { requiredKeys: ['code', 'message'] }) }, { requiredKeys: ['jsonrpc', 'error'] }),
).chain((m) => fc.tuple(fc.shuffledSubarray(Object.keys(m), { minLength: Object.keys(m).length }), fc.oneof(fc.constant(undefined), message)).map(([order, noise]) => {
  const out: Record<string, unknown> = {};
  for (const k of order) out[k] = (m as Record<string, unknown>)[k];
  // Now and then one field from a random message replaces or joins the well-formed ones.
  if (noise && Object.keys(noise).length > 0) { const k = Object.keys(noise)[0] as string; out[k] = (noise as Record<string, unknown>)[k]; }
  return out;
}));
const input = fc.oneof(shaped, shaped.map((m) => JSON.parse(JSON.stringify(m)) as unknown), message, message.map((m) => JSON.parse(JSON.stringify(m) ?? 'null') as unknown), anyValue);

describe('quick JSON-RPC kind checks', () => {
  it('agree with the SDK guards on every input', () => {
    fc.assert(fc.property(input, (m) => {
      expect(isRequestMessage(m)).toBe(isJSONRPCRequest(m));
      expect(isNotificationMessage(m)).toBe(isJSONRPCNotification(m));
      expect(isResponseMessage(m)).toBe(isJSONRPCResultResponse(m) || isJSONRPCErrorResponse(m));
    }), { numRuns: 5_000 });
  });

  it('agree on the common shapes', () => {
    const samples: unknown[] = [
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', arguments: {} } },
      { jsonrpc: '2.0', id: 'a', method: 'ping' },
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { _meta: { progressToken: 7 } } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 3 } },
      { jsonrpc: '2.0', id: 1, result: {} },
      { jsonrpc: '2.0', id: 1, result: { content: [], _meta: { 'io.x': 1 } } },
      { jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'nope', data: { x: 1 } } },
      { jsonrpc: '2.0', error: { code: -32700, message: 'parse' } },
      { jsonrpc: '2.0', id: 1, result: {}, extra: undefined },
      Object.create({ jsonrpc: '2.0', id: 1, method: 'inherited' }),
      JSON.parse('{"jsonrpc":"2.0","id":1,"method":"x","__proto__":{}}'),
      JSON.parse('{"jsonrpc":"2.0","id":1,"result":{},"__proto__":{}}'),
    ];
    for (const m of samples) {
      expect(isRequestMessage(m)).toBe(isJSONRPCRequest(m));
      expect(isNotificationMessage(m)).toBe(isJSONRPCNotification(m));
      expect(isResponseMessage(m)).toBe(isJSONRPCResultResponse(m) || isJSONRPCErrorResponse(m));
    }
  });
});

describe('quick JSON-RPC message parse', () => {
  const same = (m: unknown) => {
    const mine = parseMessage(m);
    const parsed = JSONRPCMessageSchema.safeParse(m);
    const zod = parsed.success ? parsed.data : undefined;
    expect(mine).toStrictEqual(zod);
    // Same keys in the same order, at every level the schema rebuilds.
    expect(JSON.stringify(mine)).toBe(JSON.stringify(zod));
    if (mine && zod) {
      expect(Object.keys(mine)).toEqual(Object.keys(zod));
      for (const k of ['params', 'result', 'error'] as const) {
        const a = (mine as Record<string, unknown>)[k];
        const b = (zod as Record<string, unknown>)[k];
        if (a && typeof a === 'object') expect(Object.keys(a)).toEqual(Object.keys(b as object));
      }
    }
  };

  it('outputs what JSONRPCMessageSchema outputs', () => {
    fc.assert(fc.property(input, same), { numRuns: 5_000 });
    for (const m of [
      { result: { b: 1, a: 2 }, jsonrpc: '2.0', id: 7 },
      { method: 'notifications/progress', params: { progressToken: 1, progress: 5 }, jsonrpc: '2.0' },
      { params: { a: 1, _meta: { progressToken: 1 } }, method: 'x', id: 2, jsonrpc: '2.0' },
      { jsonrpc: '2.0', id: 3, method: 'x', params: undefined },
      { jsonrpc: '2.0', id: 3, method: 'x', params: { z: 1, _meta: undefined, a: 2 } },
      JSON.parse('{"jsonrpc":"2.0","id":1,"result":{"a":1,"__proto__":{"x":1}}}'),
      JSON.parse('{"jsonrpc":"2.0","method":"m","params":{"__proto__":{"x":1},"b":2}}'),
      Object.create({ id: 1 }, { jsonrpc: { value: '2.0', enumerable: true }, method: { value: 'm', enumerable: true } }),
    ]) same(m);
  });
});
