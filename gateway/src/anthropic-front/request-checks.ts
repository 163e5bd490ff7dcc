import { type Json, badField, isRecord } from '../schemas/json-checks.js';

/** The dotted path Anthropic names fields by: `messages.2.content.0.type`. */
export const fieldPath = (parent: string, key: string | number): string => (parent === '' ? String(key) : `${parent}.${key}`);

/** Anthropic refuses fields it does not know instead of ignoring them; so do we, with its words. */
export function onlyKeys(obj: Json, allowed: ReadonlySet<string>, path: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.has(key)) throw badField(fieldPath(path, key), 'Extra inputs are not permitted');
  }
}

export function objectAt(v: unknown, path: string): Json {
  if (v === undefined) throw badField(path, 'Field required');
  if (!isRecord(v)) throw badField(path, 'must be an object');
  return v;
}

export function arrayAt(v: unknown, path: string): unknown[] {
  if (v === undefined) throw badField(path, 'Field required');
  if (!Array.isArray(v)) throw badField(path, 'must be an array');
  return v;
}

export function stringAt(v: unknown, path: string): string {
  if (v === undefined) throw badField(path, 'Field required');
  if (typeof v !== 'string') throw badField(path, 'must be a string');
  return v;
}

export function booleanAt(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') throw badField(path, 'must be a boolean');
  return v;
}

export function numberBetween(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw badField(path, `must be a number between ${min} and ${max}`);
  return v;
}

/** `min` or more, whole and exactly representable (token counts, top_k). */
export function integerFrom(v: unknown, path: string, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw badField(path, `must be an integer >= ${min}`);
  return v;
}
