import { SLUICE } from '../../../collector/src/model/semconv.js';
import type { AttrValue, Identity } from '../pipeline/context.js';
import type { Decision } from './policy-evaluate.js';

/** Records who is calling on a span's attributes (never a secret: key id, not key). */
export function setIdentityAttrs(attrs: Record<string, AttrValue>, identity: Identity): void {
  attrs[SLUICE.AUTH_METHOD] = identity.method;
  attrs[SLUICE.AGENT] = identity.agent;
  if (identity.team !== undefined) attrs[SLUICE.TEAM] = identity.team;
  if (identity.keyId !== undefined) attrs[SLUICE.KEY_ID] = identity.keyId;
  if (identity.costCenter !== undefined) attrs[SLUICE.COST_CENTER] = identity.costCenter;
}

/** Records an access decision, so "who tried to use what" is a query over spans. */
export function setDecisionAttrs(attrs: Record<string, AttrValue>, decision: Decision): void {
  attrs[SLUICE.AUTHZ_DECISION] = decision.allowed ? 'allow' : 'deny';
  attrs[SLUICE.AUTHZ_RULE] = decision.rule;
  attrs[SLUICE.AUTHZ_REASON] = decision.reason;
}
