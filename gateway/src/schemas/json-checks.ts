import { GatewayError } from '../errors.js';

/** A decoded JSON object. */
export type Json = Record<string, unknown>;

/** A JSON object (not null, not an array): what every OpenAI and Anthropic structure is. */
export const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A 400 that names the offending field, in the `<path>: <problem>` wording Anthropic uses. */
export function badField(path: string, problem: string): GatewayError {
  return new GatewayError('GW_BAD_REQUEST', `${path}: ${problem}`, { param: path });
}
