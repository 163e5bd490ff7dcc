import type { AuthSection } from '../config/sections/auth.js';
import type { Identity } from '../pipeline/context.js';

/** Own-property lookup: names come from tokens, and `constructor` must not hit Object.prototype. */
export function own<T>(record: Readonly<Record<string, T>>, key: string | undefined): T | undefined {
  return key !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** What a credential says about its holder, before the operator's declarations complete it. */
export type IdentityFacts = Identity;

/**
 * Completes what a credential says with the operator's declarations: the agent's team,
 * the cost center (credential, then agent, then team), and admin status.
 */
export function buildIdentity(auth: AuthSection, facts: IdentityFacts): Identity {
  const agentDecl = own(auth.agents, facts.agent);
  const team = facts.team ?? agentDecl?.team;
  const costCenter = facts.costCenter ?? agentDecl?.costCenter ?? own(auth.teams, team)?.costCenter;
  const admin = facts.admin === true || agentDecl?.admin === true || auth.admins.includes(facts.agent);
  const identity: Identity = { method: facts.method, agent: facts.agent };
  if (team !== undefined) identity.team = team;
  if (facts.keyId !== undefined) identity.keyId = facts.keyId;
  if (costCenter !== undefined) identity.costCenter = costCenter;
  if (facts.claims !== undefined) identity.claims = facts.claims;
  if (admin) identity.admin = true;
  return Object.freeze(identity);
}

/** `agent "peterj" (team ai-research)`: how errors name a caller. */
export function describeIdentity(identity: Identity): string {
  const team = identity.team === undefined ? '' : ` (team ${JSON.stringify(identity.team)})`;
  return `agent ${JSON.stringify(identity.agent)}${team}`;
}
