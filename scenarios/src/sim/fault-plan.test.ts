import { describe, expect, it } from 'vitest';
import { FaultPlanSchema, mergeFaults, selectFault } from './fault-plan.js';

const never = (): number => 0.99;
const always = (): number => 0;

describe('FaultPlanSchema', () => {
  it('accepts faults as text or objects and rejects bad ones with the rule path', () => {
    const plan = FaultPlanSchema.parse([{ fault: 'status=503' }, { fault: { stallMs: 10 }, rate: 0.5, fromMs: 0, toMs: 100 }]);
    expect(plan[0]).toEqual({ rate: 1, fault: { status: 503 } });
    expect(plan[1]?.fault).toEqual({ stallMs: 10 });
    const bad = FaultPlanSchema.safeParse([{ fault: 'nope' }]);
    expect(bad.success).toBe(false);
    if (!bad.success) expect(bad.error.issues[0]?.path).toEqual([0, 'fault']);
    expect(FaultPlanSchema.safeParse([{ fault: 'refuse', fromMs: 10, toMs: 5 }]).success).toBe(false);
    expect(FaultPlanSchema.safeParse([{ fault: 'refuse', rate: 2 }]).success).toBe(false);
    expect(FaultPlanSchema.safeParse([{ fault: 'refuse', when: 1 }]).success).toBe(false);
  });
});

describe('selectFault', () => {
  const plan = FaultPlanSchema.parse([
    { match: { model: 'a' }, fromMs: 100, toMs: 200, fault: 'status=503' },
    { match: { path: '/v1/embeddings' }, fault: 'stall-ms=5' },
    { rate: 0.5, fault: 'ttft-ms=1;status=500' },
  ]);
  const at = (model: string, elapsedMs: number, path = '/v1/chat/completions') => ({ model, path, elapsedMs });

  it('applies a window [fromMs, toMs) and the model match', () => {
    expect(selectFault(plan, at('a', 99), never)).toBeUndefined();
    expect(selectFault(plan, at('a', 100), never)).toEqual({ status: 503 });
    expect(selectFault(plan, at('a', 199), never)).toEqual({ status: 503 });
    expect(selectFault(plan, at('a', 200), never)).toBeUndefined();
    expect(selectFault(plan, at('b', 150), never)).toBeUndefined();
  });

  it('fires a partial-rate rule only when the draw is under its rate', () => {
    expect(selectFault(plan, at('b', 0), always)).toEqual({ ttftMs: 1, status: 500 });
    expect(selectFault(plan, at('b', 0), never)).toBeUndefined();
  });

  it('merges firing rules, earlier rules winning', () => {
    expect(selectFault(plan, at('a', 150), always)).toEqual({ status: 503, ttftMs: 1 });
    expect(selectFault(plan, at('x', 0, '/v1/embeddings'), never)).toEqual({ stallMs: 5 });
  });

  it('lets the header spec win over the plan', () => {
    expect(mergeFaults({ status: 429 }, { status: 503, ttftMs: 3 })).toEqual({ status: 429, ttftMs: 3 });
    expect(mergeFaults(undefined, { refuse: true })).toEqual({ refuse: true });
    expect(mergeFaults({ refuse: true }, undefined)).toEqual({ refuse: true });
  });
});
