import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { type Config, ConfigSchema } from './schema.js';

/** One problem in a config, with where it is (`providers.0.baseUrl`). */
export interface ConfigIssue {
  path: string;
  message: string;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; issues: ConfigIssue[] };

/** Validates a parsed config value; reports every issue with its path; deep-freezes the result. */
export function parseConfig(input: unknown): ConfigResult {
  const r = ConfigSchema.safeParse(input ?? {});
  if (!r.success) return { ok: false, issues: r.error.issues.map(toIssue) };
  return { ok: true, config: deepFreeze(r.data) };
}

function toIssue(i: z.core.$ZodIssue): ConfigIssue {
  const path = i.path.map(String).join('.') || '(root)';
  if (i.code === 'unrecognized_keys') {
    return { path, message: `unknown key${i.keys.length > 1 ? 's' : ''}: ${i.keys.join(', ')}` };
  }
  return { path, message: i.message };
}

/** Parses YAML text (syntax errors carry line and column) then validates it. */
export function parseConfigText(text: string): ConfigResult {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => ({ path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '(yaml)', message: e.message.split('\n')[0] })),
    };
  }
  return parseConfig(doc.toJS());
}

/** Reads and validates a YAML config file. */
export async function loadConfigFile(path: string): Promise<ConfigResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    return { ok: false, issues: [{ path: '(file)', message: `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }] };
  }
  return parseConfigText(text);
}

/** Formats issues one per line, for the CLI and logs. */
export const formatIssues = (issues: readonly ConfigIssue[]): string => issues.map((i) => `  ${i.path}: ${i.message}`).join('\n');

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}
