import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { withDataDirDefaults } from './data-dir-defaults.js';
import { type Config, ConfigSchema } from './schema.js';

/** One problem in a config, with where it is (`providers.0.baseUrl`). */
export interface ConfigIssue {
  path: string;
  message: string;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; issues: ConfigIssue[] };

/** Validates a parsed config value; reports every issue with its path; deep-freezes the result. */
export function parseConfig(input: unknown): ConfigResult {
  const r = ConfigSchema.safeParse(withDataDirDefaults(input ?? {}));
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

/**
 * Aliases a document may expand to, counted as the `yaml` package does (an alias of a
 * collection that itself holds aliases counts for all of them). Configs reuse anchors
 * freely (one agent or provider block for hundreds of entries), so far above the package's
 * default of 100; an alias bomb (`a1: [*a0, *a0, …]`, `a2: [*a1, …]`) multiplies past it
 * within a few lines.
 */
export const MAX_YAML_ALIAS_COUNT = 10_000;

/** Parses YAML text (syntax errors carry line and column) then validates it. Never throws. */
export function parseConfigText(text: string): ConfigResult {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => ({ path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '(yaml)', message: e.message.split('\n')[0] })),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (err) {
    return { ok: false, issues: [{ path: '(yaml)', message: yamlValueProblem(err) }] };
  }
  try {
    return parseConfig(value);
  } catch (err) {
    // A self-referencing alias (`a: &a [*a]`) yields a cyclic value the schema may recurse into.
    return { ok: false, issues: [{ path: '(yaml)', message: `cannot validate the document: ${err instanceof Error ? err.message : String(err)}` }] };
  }
}

function yamlValueProblem(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/excessive alias count/i.test(message)) return `aliases expand to more than ${MAX_YAML_ALIAS_COUNT} nodes (an alias bomb?); write the repeated parts out or use fewer nested aliases`;
  return message;
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
