import { z } from 'zod';
import { FaultSpecSchema, parseFaultSpec, type FaultSpec } from './fault-spec.js';

/**
 * Fault plans: rules that inject faults without the client's cooperation — "503 for model X
 * from t=30 s to t=60 s", "10 % of requests stall". Times are relative to when the plan was
 * installed (server start for the plan in the options). Pure: selection takes the elapsed
 * time and a seeded draw, so a plan replays identically for the same request order.
 */

/**
 * A fault as text (`"status=503"`) or as an object; both end up a `FaultSpec`. Hand-rolled
 * rather than a `z.union` so the parser's message (not "Invalid input") reaches the user.
 */
const FaultFieldSchema = z
  .custom<string | FaultSpec>(
    (value) => typeof value === 'string' || (typeof value === 'object' && value !== null && !Array.isArray(value)),
    'fault must be a spec string ("status=503") or an object',
  )
  .transform((value, ctx): FaultSpec => {
    if (typeof value === 'string') {
      const result = parseFaultSpec(value);
      if (result.ok) return result.spec;
      ctx.addIssue({ code: 'custom', message: result.error });
      return z.NEVER;
    }
    const parsed = FaultSpecSchema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    return z.NEVER;
  });

export const FaultRuleSchema = z
  .object({
    /** Which requests the rule applies to; omitted fields match everything. */
    match: z
      .object({ model: z.string().optional(), path: z.string().optional() })
      .strict()
      .optional(),
    /** Share of matching requests that get the fault. */
    rate: z.number().min(0).max(1).default(1),
    /** Window start (inclusive), ms after the plan was installed. */
    fromMs: z.number().nonnegative().optional(),
    /** Window end (exclusive), ms after the plan was installed. */
    toMs: z.number().nonnegative().optional(),
    fault: FaultFieldSchema,
  })
  .strict()
  .refine((rule) => rule.fromMs === undefined || rule.toMs === undefined || rule.fromMs <= rule.toMs, {
    message: 'fromMs must not be after toMs',
  });
export type FaultRule = z.output<typeof FaultRuleSchema>;

export const FaultPlanSchema = z.array(FaultRuleSchema).max(1_000);
export type FaultPlan = z.output<typeof FaultPlanSchema>;
export type FaultPlanInput = z.input<typeof FaultPlanSchema>;

/** What a rule is matched against. */
export interface FaultTarget {
  readonly model: string | undefined;
  readonly path: string;
  /** Milliseconds since the plan was installed. */
  readonly elapsedMs: number;
}

function ruleApplies(rule: FaultRule, target: FaultTarget): boolean {
  if (rule.match?.model !== undefined && rule.match.model !== target.model) return false;
  if (rule.match?.path !== undefined && rule.match.path !== target.path) return false;
  if (rule.fromMs !== undefined && target.elapsedMs < rule.fromMs) return false;
  if (rule.toMs !== undefined && target.elapsedMs >= rule.toMs) return false;
  return true;
}

/**
 * The fault for one request: every rule that matches and fires (a `draw(ruleIndex)` in
 * [0, 1) below its rate) contributes, earlier rules winning field by field. Undefined when
 * no rule fires.
 */
export function selectFault(
  plan: FaultPlan,
  target: FaultTarget,
  draw: (ruleIndex: number) => number,
): FaultSpec | undefined {
  let merged: FaultSpec | undefined;
  plan.forEach((rule, index) => {
    if (!ruleApplies(rule, target)) return;
    if (rule.rate < 1 && draw(index) >= rule.rate) return;
    merged = { ...rule.fault, ...merged };
  });
  return merged;
}

/** Header spec over plan spec: the client's explicit request wins field by field. */
export function mergeFaults(header: FaultSpec | undefined, plan: FaultSpec | undefined): FaultSpec | undefined {
  if (!header) return plan;
  if (!plan) return header;
  return { ...plan, ...header };
}
