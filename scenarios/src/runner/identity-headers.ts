import { generateVirtualKey, hashVirtualKey } from '../../../gateway/src/identity/index.js';
import type { MintedKey } from '../format/gateway-config.js';
import { ScenarioError, type ScenarioIssue } from '../format/scenario-error.js';
import type { Agent } from '../schema.js';

/** Mints a key per `identity.mint` agent: the keys (memory only) and their config entries. */
export function mintKeys(agents: readonly Agent[], execution: string): { keys: Map<string, string>; entries: MintedKey[] } {
  const keys = new Map<string, string>();
  const entries: MintedKey[] = [];
  agents.forEach((a, i) => {
    const mint = a.identity?.mint;
    if (!mint) return;
    const key = generateVirtualKey();
    keys.set(a.name, key);
    entries.push({ id: `scenario-${execution}-${i}`, hash: hashVirtualKey(key), agent: mint.agent ?? a.name, ...(mint.team ? { team: mint.team } : {}) });
  });
  return { keys, entries };
}

/**
 * Agent credentials, read from the environment once before the load starts. A missing
 * variable is an error naming every agent and variable (never the value).
 */
export function resolveIdentities(
  agents: readonly Agent[],
  env: Readonly<Record<string, string | undefined>>,
  minted: ReadonlyMap<string, string>,
): Map<string, Readonly<Record<string, string>>> {
  const out = new Map<string, Readonly<Record<string, string>>>();
  const issues: ScenarioIssue[] = [];
  agents.forEach((a, i) => {
    if (!a.identity) {
      out.set(a.name, {});
      return;
    }
    const ref = a.identity.key ?? a.identity.jwt;
    const value = a.identity.mint ? minted.get(a.name) : ref ? env[ref.env] : undefined;
    if (a.identity.mint && value === undefined) {
      issues.push({ path: `agents.${i}.identity.mint`, message: 'minted keys work only with the in-process gateway (no --gateway)' });
      return;
    }
    if (value === undefined || value === '') {
      issues.push({ path: `agents.${i}.identity`, message: `environment variable ${ref?.env ?? '?'} is not set` });
      return;
    }
    const header = a.identity.header;
    out.set(a.name, { [header]: header === 'authorization' ? `Bearer ${value}` : value });
  });
  if (issues.length > 0) throw new ScenarioError('SCN_BAD_ARGUMENT', 'agent credentials missing from the environment', issues);
  return out;
}
