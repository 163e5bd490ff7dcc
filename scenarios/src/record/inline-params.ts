/**
 * Renders `{name:Type}` placeholders as ClickHouse literals, for paths that take plain SQL
 * (`sluice query`'s admin endpoint). Only the types the record queries use are supported;
 * anything else is an error rather than a guess. Pure.
 */

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*):([A-Za-z0-9()]+)\}/g;

/** A ClickHouse string literal: backslash and quote escaped. */
export function stringLiteral(v: string): string {
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function literal(type: string, value: unknown, name: string): string {
  if (type === 'String') return stringLiteral(String(value));
  if (/^U?Int(8|16|32|64)$/.test(type)) {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new Error(`parameter ${name} must be an integer`);
    return String(n);
  }
  if (type === 'Array(String)') {
    if (!Array.isArray(value)) throw new Error(`parameter ${name} must be an array`);
    return `[${value.map((v) => stringLiteral(String(v))).join(', ')}]`;
  }
  throw new Error(`unsupported parameter type ${type} for ${name}`);
}

export function inlineParams(sql: string, params: Readonly<Record<string, unknown>>): string {
  return sql.replace(PLACEHOLDER, (_whole, name: string, type: string) => {
    if (!(name in params)) throw new Error(`missing parameter ${name}`);
    return literal(type, params[name], name);
  });
}

/** Rows of a `JSONEachRow` answer. */
export function parseJsonEachRow<T>(text: string): T[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}
