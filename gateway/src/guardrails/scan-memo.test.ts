import { describe, expect, it } from 'vitest';
import { GuardrailsSectionSchema } from '../config/sections/guardrails.js';
import { type RuleSet, compileGuardrails } from './compile-rules.js';
import { MEMO_MIN_CHARS, ScanMemo } from './scan-memo.js';
import { type ScanEnv, scanTexts, scanTextsAtOnce } from './scan-texts.js';
import type { MaskStep } from './masker.js';

const RULES = [
  { name: 'pii', detect: { type: 'builtin', entities: ['EMAIL', 'PHONE', 'CREDIT_CARD'] } },
  { name: 'places', detect: { type: 'dictionary', entity: 'LOCATION', lists: ['locations'] } },
  { name: 'no-secrets', action: 'reject', message: 'Rejected', detect: { type: 'builtin', entities: ['SECRET'] } },
];
const requestSet = (scan: Record<string, unknown> = {}): RuleSet =>
  compileGuardrails(GuardrailsSectionSchema.parse({ rules: RULES, scan }), new WeakMap()).ruleSet('request', { route: '/v1/chat/completions' });
const env: ScanEnv = { direction: 'request', route: '/v1/chat/completions', now: () => performance.now(), yieldToLoop: () => new Promise((r) => setImmediate(r)) };
const budget = (scan: Record<string, unknown> = {}) => GuardrailsSectionSchema.parse({ scan }).scan;

const SYSTEM = `You help the support team. Escalations go to oncall@example.com or +44 20 7946 0958. ${'Be brief. '.repeat(10)}`;
const TURN = `My card 4111 1111 1111 1111 was charged twice while I was in Italy. ${'Please check. '.repeat(5)}`;
const step = (text: string, count = 1): MaskStep => ({ text: `masked ${text}`, hits: [{ rule: 'r', entity: 'EMAIL', detector: 'email', direction: 'request', action: 'mask', count }] });
const long = (tag: string) => `${tag} ${'x'.repeat(MEMO_MIN_CHARS)}`;

describe('ScanMemo', () => {
  it("answers for the rule set that scanned a text and for no other set, and returns what it was given", () => {
    const memo = new ScanMemo(1 << 20);
    const a = {};
    const b = {};
    memo.remember(a, long('t'), step('t'));
    expect(memo.get(a, long('t'))).toEqual(step('t'));
    expect(memo.get(b, long('t'))).toBeUndefined();
    expect(memo.get(a, long('u'))).toBeUndefined();
  });

  it('keeps its own copy of the hits: merging into the scanned ones later changes nothing kept', () => {
    const memo = new ScanMemo(1 << 20);
    const owner = {};
    const s = step('t');
    memo.remember(owner, long('t'), s);
    s.hits[0].count += 5;
    s.hits.push({ ...s.hits[0] });
    expect(memo.get(owner, long('t'))?.hits).toEqual([{ rule: 'r', entity: 'EMAIL', detector: 'email', direction: 'request', action: 'mask', count: 1 }]);
  });
});

describe('scanning with the memo', () => {
  const texts = [SYSTEM, TURN, 'and a new question from jane@example.com?'];

  it('answers a repeated history as a fresh scan does, and keeps only the history', () => {
    const set = requestSet();
    const without = requestSet({ memoBytes: 0 });
    expect(without.memo).toBeUndefined();
    const fresh = scanTextsAtOnce(texts, without, budget(), 2);
    const first = scanTextsAtOnce(texts, set, budget(), 2);
    const again = scanTextsAtOnce(texts, set, budget(), 2);
    expect(fresh?.texts[0]).toContain('[EMAIL] or [PHONE]');
    expect(first).toEqual(fresh);
    expect(again).toEqual(fresh);
    expect(set.memo?.size.entries).toBe(2);
    expect(set.memo?.has(set, texts[2])).toBe(false);
  });

  it('a history text that is refused is refused again from the memo', () => {
    const set = requestSet();
    const refused = [`keys: AKIAIOSFODNN7EXAMPLE ${'and more text. '.repeat(5)}`, 'next'];
    const first = scanTextsAtOnce(refused, set, budget(), 1);
    expect(first?.rejected?.rule).toBe('no-secrets');
    expect(set.memo?.size.entries).toBe(1);
    expect(scanTextsAtOnce(refused, set, budget(), 1)).toEqual(first);
  });

  it('a history longer than one slice is scanned in slices once, then answered at once', async () => {
    const set = requestSet();
    const scan = { sliceChars: 1_024 };
    const big = `${TURN} ${'Nothing to see here. '.repeat(200)} ${SYSTEM}`;
    const batch = [big, 'new message'];
    expect(scanTextsAtOnce(batch, set, budget(scan), 1)).toBeUndefined();
    const first = await scanTexts(batch, set, budget(scan), env, 1);
    const fresh = await scanTexts(batch, requestSet({ memoBytes: 0 }), budget(scan), env, 1);
    expect(first).toEqual(fresh);
    expect(first.hits.reduce((n, h) => n + h.count, 0)).toBe(4);
    const again = scanTextsAtOnce(batch, set, budget(scan), 1);
    expect(again).toEqual(fresh);
  });

  it('the size limit counts remembered texts: a request over it stays over it', async () => {
    const set = requestSet();
    const scan = { maxChars: 200 };
    const batch = [SYSTEM, TURN, 'next'];
    expect(scanTextsAtOnce(batch, set, budget(), 2)?.rejected).toBeUndefined();
    expect(set.memo?.size.entries).toBe(2);
    const over = await scanTexts(batch, set, budget(scan), env, 2);
    expect(over.budgetExceeded).toBe(true);
    expect(over.rejected?.rule).toBe('scan-budget');
  });

  it('response-side sets and a new config each start without the old memo', () => {
    const section = GuardrailsSectionSchema.parse({ rules: RULES });
    const compiled = compileGuardrails(section, new WeakMap());
    expect(compiled.ruleSet('response', { route: '/' }).memo).toBeUndefined();
    const set = compiled.ruleSet('request', { route: '/' });
    scanTextsAtOnce([SYSTEM, 'x'], set, budget(), 1);
    const reloaded = compileGuardrails(GuardrailsSectionSchema.parse({ rules: RULES }), new WeakMap()).ruleSet('request', { route: '/' });
    expect(reloaded.memo).not.toBe(set.memo);
    expect(reloaded.memo?.size.entries).toBe(0);
  });
});
