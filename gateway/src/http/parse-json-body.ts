import { GatewayError } from '../errors.js';

/**
 * Deepest nesting of arrays and objects a request body may have. JSON.parse takes any
 * depth, but everything after it that walks the body recursively (serialising it for the
 * upstream, cache keys, span content) overflows the stack a few thousand levels down: a
 * 12 KB body could turn into an "upstream" failure that trips a healthy provider's breaker.
 * 128 is serde_json's default; real requests (tool schemas included) stay far below it.
 */
const MAX_JSON_DEPTH = 128;

/** Parses a JSON object body; errors say where the JSON broke. */
export function parseJsonObject(raw: Buffer): Record<string, unknown> {
  const text = raw.toString('utf8');
  if (text.trim() === '') throw new GatewayError('GW_BAD_JSON', 'request body is empty; expected a JSON object', { clientCode: 'invalid_json' });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new GatewayError('GW_BAD_JSON', `request body is not valid JSON: ${printable((err as Error).message)}`, { clientCode: 'invalid_json', cause: err });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new GatewayError('GW_BAD_JSON', 'request body must be a JSON object', { clientCode: 'invalid_json' });
  }
  // A body shorter than twice the limit cannot nest that deep: skip the walk.
  if (text.length > 2 * MAX_JSON_DEPTH && nestsDeeperThan(value, MAX_JSON_DEPTH)) {
    throw new GatewayError('GW_BAD_JSON', `request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`, { clientCode: 'invalid_json' });
  }
  return value as Record<string, unknown>;
}

/** True when `value` holds arrays/objects more than `levels` deep (the walk stops there). */
function nestsDeeperThan(value: unknown, levels: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (levels === 0) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (nestsDeeperThan(item, levels - 1)) return true;
    return false;
  }
  for (const key in value) if (nestsDeeperThan((value as Record<string, unknown>)[key], levels - 1)) return true;
  return false;
}

/** JSON.parse quotes the text around the error: control bytes (a gzip body) become `\xNN`. */
const printable = (message: string): string =>
  message.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffd]/g, (c) => (c === '\ufffd' ? '?' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
