/**
 * Deterministic tool-call arguments from a tool's JSON Schema: every required property is
 * filled with a value of its type (enum/const/default/examples first), so a gateway or agent
 * that validates arguments against the schema accepts what the simulator "decides" to call.
 * Pure and total: odd schemas give `{}` or a string rather than an exception.
 */

type Schema = Readonly<Record<string, unknown>>;

const MAX_DEPTH = 8;

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

const STRING_FORMATS: Readonly<Record<string, string>> = {
  date: '2025-01-15',
  'date-time': '2025-01-15T09:30:00Z',
  time: '09:30:00',
  email: 'user@example.com',
  uri: 'https://example.com/resource',
  url: 'https://example.com/resource',
  uuid: '00000000-0000-4000-8000-000000000000',
  ipv4: '192.0.2.1',
  hostname: 'example.com',
};

function resolveRef(schema: Schema, root: Schema): Schema {
  const ref = schema['$ref'];
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
  let node: unknown = root;
  for (const key of ref.slice(2).split('/')) node = isSchema(node) ? node[key] : undefined;
  return isSchema(node) ? node : {};
}

function firstType(schema: Schema): string | undefined {
  const type = schema['type'];
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.find((t): t is string => typeof t === 'string' && t !== 'null') ?? 'null';
  if (isSchema(schema['properties'])) return 'object';
  if (schema['items'] !== undefined) return 'array';
  return undefined;
}

function stringValue(schema: Schema, name: string): string {
  const format = typeof schema['format'] === 'string' ? STRING_FORMATS[schema['format']] : undefined;
  let value = format ?? `sample ${name}`;
  const minLength = typeof schema['minLength'] === 'number' ? schema['minLength'] : 0;
  const maxLength = typeof schema['maxLength'] === 'number' ? schema['maxLength'] : Infinity;
  while (value.length < minLength) value += 'x';
  return value.slice(0, Math.max(minLength, Math.min(value.length, maxLength)));
}

function numberValue(schema: Schema, integer: boolean): number {
  const min = typeof schema['minimum'] === 'number' ? schema['minimum'] : undefined;
  const exclusiveMin = typeof schema['exclusiveMinimum'] === 'number' ? schema['exclusiveMinimum'] : undefined;
  const max = typeof schema['maximum'] === 'number' ? schema['maximum'] : undefined;
  let value = min ?? (exclusiveMin !== undefined ? exclusiveMin + 1 : 1);
  if (max !== undefined && value > max) value = max;
  return integer ? Math.ceil(value) : value;
}

function objectValue(schema: Schema, root: Schema, depth: number): Record<string, unknown> {
  const properties = isSchema(schema['properties']) ? schema['properties'] : {};
  const required = Array.isArray(schema['required']) ? schema['required'] : [];
  const out: Record<string, unknown> = {};
  for (const key of required) {
    if (typeof key === 'string') out[key] = valueFor(properties[key], key, root, depth + 1);
  }
  return out;
}

function mergeAllOf(schema: Schema, root: Schema): Schema {
  const parts = schema['allOf'];
  if (!Array.isArray(parts)) return schema;
  const merged: Record<string, unknown> = { ...schema, properties: {}, required: [] };
  for (const part of [schema, ...parts.map((p) => (isSchema(p) ? resolveRef(p, root) : {}))]) {
    if (isSchema(part['properties'])) Object.assign(merged['properties'] as object, part['properties']);
    if (Array.isArray(part['required'])) (merged['required'] as unknown[]).push(...part['required']);
    if (part['type'] !== undefined) merged['type'] = part['type'];
  }
  delete merged['allOf'];
  return merged;
}

function valueFor(raw: unknown, name: string, root: Schema, depth: number): unknown {
  if (!isSchema(raw) || depth > MAX_DEPTH) return `sample ${name}`;
  const schema = mergeAllOf(resolveRef(raw, root), root);
  if ('const' in schema) return schema['const'];
  if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return schema['enum'][0];
  if ('default' in schema) return schema['default'];
  if (Array.isArray(schema['examples']) && schema['examples'].length > 0) return schema['examples'][0];
  const options = schema['anyOf'] ?? schema['oneOf'];
  if (Array.isArray(options) && options.length > 0) {
    const pick = options.find((o) => isSchema(o) && o['type'] !== 'null') ?? options[0];
    return valueFor(pick, name, root, depth + 1);
  }
  switch (firstType(schema)) {
    case 'object':
      return objectValue(schema, root, depth);
    case 'array': {
      const count = typeof schema['minItems'] === 'number' ? Math.max(1, schema['minItems']) : 1;
      return Array.from({ length: Math.min(count, 16) }, () => valueFor(schema['items'] ?? {}, name, root, depth + 1));
    }
    case 'integer':
      return numberValue(schema, true);
    case 'number':
      return numberValue(schema, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return stringValue(schema, name);
  }
}

/** Arguments object for a tool whose parameters are described by `parameters`. */
export function generateToolArguments(parameters: unknown): Record<string, unknown> {
  if (!isSchema(parameters)) return {};
  const value = valueFor(parameters, 'value', parameters, 0);
  return isSchema(value) ? { ...value } : {};
}
