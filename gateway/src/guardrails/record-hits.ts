import { SLUICE } from '../../../collector/src/model/semconv.js';
import type { AttrValue, CtxEvent } from '../pipeline/context.js';
import type { Hit, ModerationFailure, Rejection } from './types.js';

/** Span event names and their attribute keys. Counts and names only, never the matched text. */
export const GUARDRAIL_EVENTS = {
  HIT: 'sluice.guardrail.hit',
  ERROR: 'sluice.guardrail.error',
} as const;

export const GUARDRAIL_EVENT_ATTRS = {
  RULE: 'sluice.guardrail.rule',
  ENTITY: 'sluice.guardrail.entity',
  DETECTOR: 'sluice.guardrail.detector',
  DIRECTION: 'sluice.guardrail.direction',
  ACTION: 'sluice.guardrail.action',
  COUNT: 'sluice.guardrail.count',
  REASON: 'sluice.guardrail.reason',
  FAIL_MODE: 'sluice.guardrail.fail_mode',
} as const;

/** The parts of a request context (or an MCP call's equivalent) guardrails record into. */
export interface RecordTarget {
  readonly attrs: Record<string, AttrValue>;
  readonly events: CtxEvent[];
}

/** `prev` (as strings) then `add` (distinct values), each value once, in order of first appearance. */
const union = (prev: AttrValue | undefined, add: string[]): string[] => {
  if (!Array.isArray(prev)) return add;
  const out: string[] = [];
  for (const v of prev) addOnce(out, String(v));
  for (const v of add) addOnce(out, v);
  return out;
};

function addOnce(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

/**
 * Adds one scan's findings to a request: an event per hit group and per moderation
 * failure, and the running totals `sluice.guardrail.{hits,actions,rules,ms}` (request and
 * response side add up).
 */
export function recordScan(
  target: RecordTarget,
  timeMs: number,
  elapsedMs: number,
  hits: readonly Hit[],
  failures: readonly ModerationFailure[],
  rejected?: Rejection,
): void {
  const E = GUARDRAIL_EVENT_ATTRS;
  let count = 0;
  // Names in order of first appearance: hit actions then `reject`; hit rules, the refusing
  // rule, then failed rules.
  const actions: string[] = [];
  const rules: string[] = [];
  for (const h of hits) {
    target.events.push({
      name: GUARDRAIL_EVENTS.HIT,
      timeMs,
      attributes: {
        [E.RULE]: h.rule,
        [E.ENTITY]: h.entity,
        [E.DETECTOR]: h.detector,
        [E.DIRECTION]: h.direction,
        [E.ACTION]: h.action,
        [E.COUNT]: h.count,
      },
    });
    count += h.count;
    addOnce(actions, h.action);
    addOnce(rules, h.rule);
  }
  for (const f of failures) {
    target.events.push({ name: GUARDRAIL_EVENTS.ERROR, timeMs, attributes: { [E.RULE]: f.rule, [E.REASON]: f.reason, [E.FAIL_MODE]: f.failMode } });
  }
  if (rejected) {
    addOnce(actions, 'reject');
    addOnce(rules, rejected.rule);
  }
  for (const f of failures) addOnce(rules, f.rule);
  const a = target.attrs;
  a[SLUICE.GUARDRAIL_HITS] = (typeof a[SLUICE.GUARDRAIL_HITS] === 'number' ? (a[SLUICE.GUARDRAIL_HITS] as number) : 0) + count;
  if (actions.length > 0) a[SLUICE.GUARDRAIL_ACTIONS] = union(a[SLUICE.GUARDRAIL_ACTIONS], actions);
  if (rules.length > 0) a[SLUICE.GUARDRAIL_RULES] = union(a[SLUICE.GUARDRAIL_RULES], rules);
  const prevMs = typeof a[SLUICE.GUARDRAIL_MS] === 'number' ? (a[SLUICE.GUARDRAIL_MS] as number) : 0;
  a[SLUICE.GUARDRAIL_MS] = Math.round((prevMs + elapsedMs) * 1000) / 1000;
}
