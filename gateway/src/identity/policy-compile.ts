import type { IdentityMatchConfig, PoliciesSection, ResourceSetConfig } from '../config/sections/policies.js';
import { compileGlobs, type Matcher } from './glob.js';

export interface CompiledMatch {
  agent?: Matcher;
  team?: Matcher;
  claims: ReadonlyArray<{ path: string; matcher: Matcher }>;
}

export interface CompiledSet {
  providers?: Matcher;
  models?: Matcher;
  servers?: Matcher;
  /** `tool-glob` entries, matched against the bare tool name on any server. */
  tools?: Matcher;
  /** `server/tool-glob` entries, matched against `server/tool`. */
  serverTools?: Matcher;
}

export interface CompiledRule {
  name: string;
  match: CompiledMatch;
  except?: CompiledMatch;
  allow?: CompiledSet;
  deny?: CompiledSet;
}

export interface CompiledPolicy {
  default: 'allow' | 'deny';
  claimDelimiter: string;
  rules: readonly CompiledRule[];
}

const cache = new WeakMap<PoliciesSection, CompiledPolicy>();

/** Compiles every glob of a `policies` section once; memoised on the (immutable) section. */
export function compilePolicy(policies: PoliciesSection): CompiledPolicy {
  const hit = cache.get(policies);
  if (hit !== undefined) return hit;
  const compiled: CompiledPolicy = {
    // Without rules the schema lets `default` be omitted: nothing to restrict, so allow.
    default: policies.default ?? 'allow',
    claimDelimiter: policies.claimDelimiter,
    rules: policies.rules.map((r) => ({
      name: r.name,
      match: compileMatch(r.match),
      except: r.except === undefined ? undefined : compileMatch(r.except),
      allow: r.allow === undefined ? undefined : compileSet(r.allow),
      deny: r.deny === undefined ? undefined : compileSet(r.deny),
    })),
  };
  cache.set(policies, compiled);
  return compiled;
}

function compileMatch(m: IdentityMatchConfig): CompiledMatch {
  return {
    agent: optional(m.agent),
    team: optional(m.team),
    claims: Object.entries(m.claims ?? {}).map(([path, v]) => ({ path, matcher: compileGlobs((Array.isArray(v) ? v : [v]).map(String)) })),
  };
}

function compileSet(s: ResourceSetConfig): CompiledSet {
  const tools = s.tools === undefined ? [] : typeof s.tools === 'string' ? [s.tools] : s.tools;
  const bare = tools.filter((t) => !t.includes('/'));
  const qualified = tools.filter((t) => t.includes('/'));
  return {
    providers: optional(s.providers),
    models: optional(s.models),
    servers: optional(s.servers),
    tools: bare.length > 0 ? compileGlobs(bare) : undefined,
    serverTools: qualified.length > 0 ? compileGlobs(qualified) : undefined,
  };
}

function optional(globs: string | readonly string[] | undefined): Matcher | undefined {
  return globs === undefined ? undefined : compileGlobs(globs);
}
