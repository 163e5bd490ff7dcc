/**
 * `{{ name }}` placeholders in template text, with an optional default:
 * `{{ headers.x-customer | unknown customer }}`. Names are checked at config load; values
 * come from the request at render time and are trimmed of control characters and capped.
 */

export type TemplatePart = string | { name: string; fallback: string };

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_.-]*)\s*(?:\|([^}]*))?\}\}/g;

/** Header names that carry credentials or sessions never reach a prompt. */
const SECRET_HEADER = /authorization|cookie|key|token|secret|password|session/i;
const IDENTITY_FIELDS = new Set(['agent', 'team', 'keyId', 'costCenter']);

/** Longest value inserted for one placeholder. */
export const MAX_VALUE_CHARS = 256;

export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let at = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (m.index > at) parts.push(text.slice(at, m.index));
    parts.push({ name: m[1], fallback: (m[2] ?? '').trim() });
    at = m.index + m[0].length;
  }
  if (at < text.length) parts.push(text.slice(at));
  return parts;
}

/** Why a placeholder name is not allowed, or undefined when it is. */
export function placeholderProblem(name: string): string | undefined {
  const [ns, ...rest] = name.split('.');
  const field = rest.join('.');
  if (name === 'model' || name === 'route') return undefined;
  if (ns === 'identity') {
    if (rest[0] === 'claims' && rest.length > 1) return undefined;
    if (rest.length === 1 && IDENTITY_FIELDS.has(field)) return undefined;
    return `unknown identity field "${field}" (agent, team, keyId, costCenter, claims.<name>)`;
  }
  if (ns === 'headers') {
    if (field === '') return 'name the header: headers.<name>';
    if (SECRET_HEADER.test(field)) return `header "${field}" may carry a credential and cannot go into a prompt`;
    return undefined;
  }
  if (ns === 'metadata') return field === '' ? 'name the key: metadata.<key>' : undefined;
  return `unknown variable "${name}" (model, route, identity.*, headers.*, metadata.*)`;
}

/** Values the request offers, looked up by placeholder name. */
export type VariableLookup = (name: string) => unknown;

const clean = (v: unknown): string => {
  const s = Array.isArray(v) ? v.map(String).join(', ') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
  return s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, MAX_VALUE_CHARS);
};

export function renderTemplate(parts: readonly TemplatePart[], lookup: VariableLookup): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') {
      out += p;
      continue;
    }
    const v = lookup(p.name);
    const s = v === undefined || v === null ? '' : clean(v);
    out += s === '' ? p.fallback : s;
  }
  return out;
}
