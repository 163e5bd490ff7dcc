import { isJSONRPCErrorResponse, isJSONRPCNotification, isJSONRPCRequest, isJSONRPCResultResponse, JSONRPCMessageSchema, type JSONRPCErrorResponse, type JSONRPCMessage, type JSONRPCNotification, type JSONRPCRequest, type JSONRPCResultResponse } from '@modelcontextprotocol/sdk/types.js';

/**
 * The SDK's JSON-RPC type guards (`isJSONRPCRequest`, …) run a zod parse per call, several
 * times per message on the hot path. These answer the same: a quick look settles the shapes
 * that certainly pass (the common ones) or certainly fail (a key the strict schema refuses);
 * anything else is left to the SDK's guard. Rules mirror the schemas: `jsonrpc` is "2.0",
 * an id is a string or a safe integer, objects are non-null non-arrays, `_meta` (which has
 * its own schema) is absent, and strict schemas refuse any other enumerable key.
 */

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown) => typeof v === 'string' || Number.isSafeInteger(v);
const plainParams = (p: unknown) => p === undefined || (isObject(p) && p._meta === undefined);

/** Keys seen by a `for…in` walk (what zod's strict check walks). */
function onlyKeys(m: Obj, a: string, b: string, c: string, d?: string): boolean {
  for (const key in m) if (key !== a && key !== b && key !== c && key !== d) return false;
  return true;
}

export function isRequestMessage(m: unknown): m is JSONRPCRequest {
  if (!isObject(m)) return isJSONRPCRequest(m);
  if (!onlyKeys(m, 'jsonrpc', 'id', 'method', 'params')) return false;
  if (m.jsonrpc === '2.0' && typeof m.method === 'string' && isId(m.id) && plainParams(m.params)) return true;
  return isJSONRPCRequest(m);
}

export function isNotificationMessage(m: unknown): m is JSONRPCNotification {
  if (!isObject(m)) return isJSONRPCNotification(m);
  if (!onlyKeys(m, 'jsonrpc', 'method', 'params')) return false;
  if (m.jsonrpc === '2.0' && typeof m.method === 'string' && plainParams(m.params)) return true;
  return isJSONRPCNotification(m);
}

/** A result or an error response (`isJSONRPCResultResponse(m) || isJSONRPCErrorResponse(m)`). */
export function isResponseMessage(m: unknown): m is JSONRPCResultResponse | JSONRPCErrorResponse {
  if (!isObject(m)) return isJSONRPCResultResponse(m) || isJSONRPCErrorResponse(m);
  const resultKeys = onlyKeys(m, 'jsonrpc', 'id', 'result');
  const errorKeys = onlyKeys(m, 'jsonrpc', 'id', 'error');
  if (!resultKeys && !errorKeys) return false;
  if (m.jsonrpc === '2.0') {
    if (resultKeys && isId(m.id) && isObject(m.result) && m.result._meta === undefined) return true;
    const error = m.error;
    if (errorKeys && (m.id === undefined || isId(m.id)) && isObject(error) && Number.isSafeInteger(error.code) && typeof error.message === 'string') return true;
  }
  return isJSONRPCResultResponse(m) || isJSONRPCErrorResponse(m);
}

/** Loose params/result without `_meta`: the schema's output is a copy in key order (minus `__proto__`). */
const bareLoose = (v: unknown): v is Obj => isObject(v) && !('_meta' in v);

function copyLoose(o: Obj): Obj {
  const out: Obj = {};
  for (const key in o) if (key !== '__proto__') out[key] = o[key];
  return out;
}

/**
 * `JSONRPCMessageSchema.safeParse(raw)`: the message the schema outputs (keys in schema
 * order, loose objects copied), or undefined when it is not a JSON-RPC message. Builds the
 * output directly for the shapes `isRequestMessage`/… settle at a glance.
 */
export function parseMessage(raw: unknown): JSONRPCMessage | undefined {
  if (isObject(raw) && raw.jsonrpc === '2.0') {
    const params = raw.params;
    if (typeof raw.method === 'string' && (params === undefined || bareLoose(params))) {
      if (isId(raw.id) && onlyKeys(raw, 'jsonrpc', 'id', 'method', 'params')) {
        const out: Obj = { jsonrpc: '2.0', id: raw.id, method: raw.method };
        if ('params' in raw) out.params = params === undefined ? undefined : copyLoose(params as Obj);
        return out as JSONRPCMessage;
      }
      if (raw.id === undefined && !('id' in raw) && onlyKeys(raw, 'jsonrpc', 'method', 'params')) {
        const out: Obj = { jsonrpc: '2.0', method: raw.method };
        if ('params' in raw) out.params = params === undefined ? undefined : copyLoose(params as Obj);
        return out as JSONRPCMessage;
      }
    }
    if (isId(raw.id) && bareLoose(raw.result) && !('method' in raw) && onlyKeys(raw, 'jsonrpc', 'id', 'result')) {
      return { jsonrpc: '2.0', id: raw.id, result: copyLoose(raw.result) } as JSONRPCMessage;
    }
  }
  const parsed = JSONRPCMessageSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
