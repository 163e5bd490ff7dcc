/**
 * Federated names: `<server>__<name>`. Upstream names never contain `__` (config refuses
 * it), so splitting on the first `__` is unambiguous even when tool names contain `__`.
 * Results are valid MCP tool names (SEP-986: `[A-Za-z0-9._-]{1,128}`).
 */
export const NAME_SEPARATOR = '__';
export const MAX_TOOL_NAME_LENGTH = 128;
const VALID_TOOL_NAME = /^[A-Za-z0-9._-]{1,128}$/;

export function isValidToolName(name: string): boolean {
  return VALID_TOOL_NAME.test(name);
}

/** The exposed name, or `undefined` when it would not be a valid MCP tool name. */
export function joinName(server: string, name: string, prefixed = true): string | undefined {
  const full = prefixed ? `${server}${NAME_SEPARATOR}${name}` : name;
  return isValidToolName(full) ? full : undefined;
}

/** Splits an exposed name into server and upstream name; `undefined` without a separator. */
export function splitName(exposed: string): { server: string; name: string } | undefined {
  const i = exposed.indexOf(NAME_SEPARATOR);
  if (i <= 0) return undefined;
  const name = exposed.slice(i + NAME_SEPARATOR.length);
  return name === '' ? undefined : { server: exposed.slice(0, i), name };
}

/** Whole-string glob, the same matcher the gateway's policies use (no RegExp per call). */
export { globMatch } from '../../gateway/src/identity/glob.js';
