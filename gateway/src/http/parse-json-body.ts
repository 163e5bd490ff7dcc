import { GatewayError } from '../errors.js';

/** Parses a JSON object body; errors say where the JSON broke. */
export function parseJsonObject(raw: Buffer): Record<string, unknown> {
  const text = raw.toString('utf8');
  if (text.trim() === '') throw new GatewayError('GW_BAD_JSON', 'request body is empty; expected a JSON object', { clientCode: 'invalid_json' });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const reason = (err as Error).message;
    throw new GatewayError('GW_BAD_JSON', `request body is not valid JSON: ${reason}`, { clientCode: 'invalid_json', cause: err });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new GatewayError('GW_BAD_JSON', 'request body must be a JSON object', { clientCode: 'invalid_json' });
  }
  return value as Record<string, unknown>;
}
