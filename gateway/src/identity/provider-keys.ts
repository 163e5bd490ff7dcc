import type { Config } from '../config/schema.js';
import type { AuthSection } from '../config/sections/auth.js';
import { describeSecretRef, resolveSecret, type SecretRef, type SecretSource } from '../config/secret-ref.js';
import { GatewayError } from '../errors.js';
import type { Identity } from '../pipeline/context.js';
import { own } from './identity-builder.js';

type Resolved = Map<string, { values: string[]; refs: SecretRef[] }>;
const memo = new WeakMap<AuthSection, WeakMap<SecretSource, Resolved>>();

/**
 * The caller's team's own key for `provider`, or `undefined` when the team has none (the
 * provider's shared pool applies). Keys are read once per config snapshot (so a reload
 * re-reads env and files, and the hot path does no file I/O); with several, `spread`
 * picks one (round-robin when the caller passes a counter). A team whose configured keys
 * all fail to resolve gets an error rather than silently another pool's key.
 */
export function providerKeyFor(identity: Identity, provider: string, config: Config, secrets: SecretSource, spread = 0): string | undefined {
  const team = own(config.auth.teams, identity.team);
  const refs = team === undefined ? undefined : own(team.providerKeys, provider);
  if (refs === undefined) return undefined;
  const entry = resolvedFor(config.auth, secrets, `${identity.team}\u0000${provider}`, Array.isArray(refs) ? refs : [refs]);
  if (entry.values.length === 0) {
    throw new GatewayError('GW_INTERNAL', `team ${identity.team}'s ${provider} key (${entry.refs.map(describeSecretRef).join(', ')}) is not set`);
  }
  return entry.values[Math.abs(Math.trunc(spread)) % entry.values.length];
}

/**
 * Every team key that resolves under `config`, so error text from upstreams can be scrubbed
 * of them as of the providers' shared keys.
 */
export function allTeamProviderKeys(config: Config, secrets: SecretSource): string[] {
  const out: string[] = [];
  for (const [team, t] of Object.entries(config.auth.teams)) {
    for (const [provider, refs] of Object.entries(t.providerKeys)) {
      out.push(...resolvedFor(config.auth, secrets, `${team}\u0000${provider}`, Array.isArray(refs) ? refs : [refs]).values);
    }
  }
  return out;
}

function resolvedFor(auth: AuthSection, secrets: SecretSource, key: string, refs: SecretRef[]): { values: string[]; refs: SecretRef[] } {
  let bySource = memo.get(auth);
  if (bySource === undefined) memo.set(auth, (bySource = new WeakMap()));
  let resolved = bySource.get(secrets);
  if (resolved === undefined) bySource.set(secrets, (resolved = new Map()));
  let entry = resolved.get(key);
  if (entry === undefined) {
    entry = { values: refs.map((r) => resolveSecret(r, secrets)).filter((v): v is string => v !== undefined), refs };
    resolved.set(key, entry);
  }
  return entry;
}
