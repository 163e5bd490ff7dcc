import { readFile } from 'node:fs/promises';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { parseConfig } from '../../../gateway/src/config/load.js';
import { ScenarioSchema, type Scenario } from '../schema.js';
import { buildGatewayConfig, placeholderAddresses, placeholderKeys } from './gateway-config.js';
import { ScenarioError, type ScenarioIssue } from './scenario-error.js';

/**
 * Loading a scenario: YAML → strict schema → the gateway config it would start with.
 * Every problem is reported at once, each with its path and (for files) its line.
 */

function toIssues(issues: readonly z.core.$ZodIssue[]): ScenarioIssue[] {
  const out: ScenarioIssue[] = [];
  for (const i of issues) {
    const base = i.path.map(String);
    if (i.code === 'unrecognized_keys') {
      for (const key of i.keys) out.push({ path: [...base, key].join('.'), message: `unknown key "${key}"` });
    } else if (i.code === 'invalid_union' && i.errors.length > 0) {
      // Report the branch that got furthest instead of zod's bare "Invalid input".
      const best = [...i.errors].sort((a, b) => depth(b) - depth(a))[0];
      out.push(...toIssues(best.map((sub) => ({ ...sub, path: [...i.path, ...sub.path] }))));
    } else {
      out.push({ path: base.join('.') || '(root)', message: i.message });
    }
  }
  return out;
}

const depth = (issues: readonly z.core.$ZodIssue[]): number => Math.max(0, ...issues.map((i) => i.path.length));

/** Validates a parsed scenario value (already-parsed YAML/JSON or an object from code). */
export function parseScenario(input: unknown, doc?: Document, lines?: LineCounter): Scenario {
  const r = ScenarioSchema.safeParse(input);
  if (!r.success) {
    const issues = withLines(dedupe(toIssues(r.error.issues)), doc, lines);
    throw new ScenarioError('SCN_INVALID', `invalid scenario:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, issues);
  }
  const scenario = r.data as Scenario;
  const cfg = parseConfig(buildGatewayConfig(scenario, placeholderAddresses(scenario), undefined, placeholderKeys(scenario)));
  if (!cfg.ok) {
    const issues = withLines(cfg.issues.map((i) => ({ path: `gateway.config.${i.path}`, message: i.message })), doc, lines);
    throw new ScenarioError('SCN_GATEWAY_CONFIG_INVALID', 'invalid gateway config in scenario', issues);
  }
  return scenario;
}

/** Parses YAML text; syntax errors carry their line. */
export function parseScenarioText(text: string): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter: lines });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => ({ path: '(yaml)', message: e.message.split('\n')[0], ...(e.linePos ? { line: e.linePos[0].line } : {}) }));
    throw new ScenarioError('SCN_YAML_SYNTAX', 'scenario is not valid YAML', issues);
  }
  return parseScenario(doc.toJS(), doc, lines);
}

/** Reads and validates a scenario file. Throws `ScenarioError` listing every problem. */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ScenarioError('SCN_FILE_UNREADABLE', `cannot read scenario ${path}: ${(err as Error).message}`, [], { cause: err });
  }
  return parseScenarioText(text);
}

function dedupe(issues: ScenarioIssue[]): ScenarioIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Adds the line of the deepest YAML node that exists on each issue's path. */
function withLines(issues: ScenarioIssue[], doc: Document | undefined, lines: LineCounter | undefined): ScenarioIssue[] {
  if (!doc || !lines) return issues;
  return issues.map((issue) => {
    const parts = issue.path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    for (let n = parts.length; n > 0; n--) {
      const node = doc.getIn(parts.slice(0, n), true);
      if (isNode(node) && node.range) return { ...issue, line: lines.linePos(node.range[0]).line };
    }
    return issue;
  });
}
