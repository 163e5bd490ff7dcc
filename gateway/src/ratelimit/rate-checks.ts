import type { RateLimitDimension, RateLimitsSection } from '../config/sections/rate-limits.js';
import type { Identity } from '../pipeline/context.js';
import { type RateCheck, rateCheck } from './rate-limiter.js';

/** What a call is, for matching rate limits: the model for LLM calls, server and tool for MCP. */
export interface CallDims {
  model?: string;
  server?: string;
  tool?: string;
}

function valueOf(dim: RateLimitDimension, identity: Identity, dims: CallDims): string | undefined {
  switch (dim) {
    case 'agent':
      return identity.agent;
    case 'team':
      return identity.team;
    case 'key':
      return identity.keyId;
    default:
      return dims[dim];
  }
}

const matches = (want: string | string[] | undefined, have: string | undefined): boolean =>
  want === undefined || (have !== undefined && (typeof want === 'string' ? want === have : want.includes(have)));

/** How many replicas share the limits now: the configured number, or with `auto` the live count. */
export const replicasOf = (section: RateLimitsSection, liveReplicas: () => number): number => (section.replicas === 'auto' ? liveReplicas() : section.replicas);

/** The rate limits that apply to a call, each keyed by its rule and the caller's values, on one of `replicas`. */
export function rateChecks(section: RateLimitsSection, identity: Identity, dims: CallDims, appliesTo: 'llm' | 'tools', replicas: number): RateCheck[] {
  const out: RateCheck[] = [];
  for (const rule of section.rules) {
    if (rule.appliesTo !== appliesTo) continue;
    const m = rule.match;
    if (!matches(m.agent, identity.agent) || !matches(m.team, identity.team) || !matches(m.keyId, identity.keyId)) continue;
    if (!matches(m.model, dims.model) || !matches(m.server, dims.server) || !matches(m.tool, dims.tool)) continue;
    const values: string[] = [];
    for (const d of rule.per) {
      const v = valueOf(d, identity, dims);
      if (v === undefined) break;
      values.push(v);
    }
    // A caller without a value for a dimension (no team, no key) is not counted by that rule.
    if (values.length !== rule.per.length) continue;
    out.push(rateCheck(rule, [rule.name, ...values].join('\u0000'), replicas));
  }
  return out;
}
