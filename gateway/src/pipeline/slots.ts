import type { Stage } from './stage.js';

/**
 * The fixed order of the policy stages, outermost first, and the status each may produce:
 * identify 401/503 (the built-in one runs before the body is read: `GatewayFeatures.admit`) → authorize 403 → template → guardRequest 400 → rateLimit 429 →
 * budget 429 → cache (hit answers) → guardResponse → terminal (route + attempts, 404/502/503/504).
 * Guardrails run before limits so a refused request consumes no quota; response guardrails
 * run inside the cache so what is cached is what may be shown.
 */
export const STAGE_ORDER = ['identify', 'authorize', 'template', 'guardRequest', 'rateLimit', 'budget', 'cache', 'guardResponse'] as const;
export type StageSlot = (typeof STAGE_ORDER)[number];

/** Orders the stages a deployment provides. */
export function orderedStages(stages: Partial<Record<StageSlot, Stage>>): Stage[] {
  return STAGE_ORDER.map((slot) => stages[slot]).filter((s): s is Stage => s !== undefined);
}
