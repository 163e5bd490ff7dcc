import type { GuardrailsSection } from '../config/sections/guardrails.js';
import { applySpans } from './apply-spans.js';
import type { RuleSet } from './compile-rules.js';
import { maskText } from './mask-text.js';
import { createMasker } from './masker.js';
import { type ExternalEnv, type ExternalVerdict, moderate } from './moderation.js';
import { type Hit, type ModerationFailure, type Rejection, type ScanOutcome, mergeHits } from './types.js';

export type ScanBudget = GuardrailsSection['scan'];

export interface ScanEnv extends ExternalEnv {
  now: () => number;
  /** Lets other requests run between slices of a large text. */
  yieldToLoop: () => Promise<void>;
}

export const BUDGET_RULE = 'scan-budget';
export const BUDGET_MESSAGE = 'Rejected: the content is too large to check within the guardrail budget';

interface LocalResult {
  texts: string[];
  hits: Hit[];
  rejected?: Rejection;
  budgetExceeded: boolean;
}

/**
 * Masks whole texts with the rule set's local patterns, slice by slice through the same
 * incremental masker streams use (so both agree), yielding between slices and stopping
 * once the time budget is spent.
 */
export async function scanLocal(texts: readonly string[], set: RuleSet, budget: ScanBudget, env: ScanEnv, memoTexts = 0): Promise<LocalResult> {
  const started = env.now();
  const hits: Hit[] = [];
  const out: string[] = [];
  let sinceYield = 0;
  /** Yields once a slice's worth was scanned since the last yield; false when over budget. */
  const pace = async (scanned: number): Promise<boolean> => {
    sinceYield += scanned;
    if (sinceYield < budget.sliceChars) return true;
    sinceYield = 0;
    await env.yieldToLoop();
    return env.now() - started <= budget.maxMs;
  };
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i];
    const memo = i < memoTexts ? set.memo : undefined;
    const known = memo?.get(set, text);
    if (known !== undefined) {
      mergeHits(hits, known.hits);
      if (known.rejected) return { texts: [...texts], hits, rejected: known.rejected, budgetExceeded: false };
      out.push(known.text);
      continue;
    }
    if (text.length <= budget.sliceChars) {
      const whole = maskText(set.entries, set.direction, text);
      memo?.remember(set, text, whole);
      mergeHits(hits, whole.hits);
      if (whole.rejected) return { texts: [...texts], hits, rejected: whole.rejected, budgetExceeded: false };
      out.push(whole.text);
      if (!(await pace(text.length))) return { texts: [...texts], hits, budgetExceeded: true };
      continue;
    }
    // Whole texts need no hold-back cap: the cap only bounds stream latency.
    const masker = createMasker(set.entries, set.direction, Infinity);
    // This text's own hits, for the memo (a refused or unfinished scan is not kept).
    const own: Hit[] = [];
    let masked = '';
    let at = 0;
    for (; at + budget.sliceChars < text.length; at += budget.sliceChars) {
      const step = masker.push(text.slice(at, at + budget.sliceChars));
      mergeHits(hits, step.hits);
      if (memo) mergeHits(own, step.hits);
      if (step.rejected) return { texts: [...texts], hits, rejected: step.rejected, budgetExceeded: false };
      masked += step.text;
      if (!(await pace(budget.sliceChars))) return { texts: [...texts], hits, budgetExceeded: true };
    }
    // The last slice goes in with `end`.
    const last = masker.end(text.slice(at));
    mergeHits(hits, last.hits);
    if (last.rejected) return { texts: [...texts], hits, rejected: last.rejected, budgetExceeded: false };
    out.push(masked + last.text);
    if (memo) memo.remember(set, text, { text: masked + last.text, hits: mergeHits(own, last.hits) });
    if (!(await pace(text.length - at))) return { texts: [...texts], hits, budgetExceeded: true };
  }
  return { texts: out, hits, budgetExceeded: false };
}

/**
 * `scanLocal` for a batch smaller than one slice: it never yields nor reaches the time
 * budget, so it runs without awaiting anything.
 */
function scanSmall(texts: readonly string[], set: RuleSet, memoTexts: number): LocalResult {
  let hits: Hit[] = [];
  const out: string[] = [];
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i];
    const memo = i < memoTexts ? set.memo : undefined;
    const known = memo?.get(set, text);
    const whole = known ?? maskText(set.entries, set.direction, text);
    if (memo !== undefined && known === undefined) memo.remember(set, text, whole);
    // A fresh scan's hits are new objects, one per key: the first ones are taken as they
    // are. The memo's are its own, only ever copied.
    hits = hits.length === 0 && known === undefined ? whole.hits : mergeHits(hits, whole.hits);
    if (whole.rejected) return { texts: [...texts], hits, rejected: whole.rejected, budgetExceeded: false };
    out.push(whole.text);
  }
  return { texts: out, hits, budgetExceeded: false };
}

/**
 * `scanTexts` when it needs no waiting: nothing applies, or what is left to scan (the texts
 * the memo does not know) is smaller than one slice (never yields nor reaches the time
 * budget) and no rule calls out. Undefined otherwise. Lets callers skip a promise on the
 * common path.
 */
export function scanTextsAtOnce(texts: readonly string[], set: RuleSet, budget: ScanBudget, memoTexts = 0): ScanOutcome | undefined {
  if (set.empty || texts.length === 0) return { texts: [...texts], changed: false, hits: [], failures: [] };
  if (set.external.length > 0) return undefined;
  const memo = set.memo;
  let size = 0;
  let toScan = 0;
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i];
    size += t.length;
    if (memo === undefined || i >= memoTexts || !memo.has(set, t)) toScan += t.length;
  }
  // The size limit counts every text, known or not: whether a request passes does not
  // depend on what the memo holds.
  if (toScan >= budget.sliceChars || size > budget.maxChars) return undefined;
  return localOutcome(texts, scanSmall(texts, set, memoTexts));
}

/**
 * Scans a batch of texts (the parts of one request, response or tool payload) with local
 * patterns and external moderation, concurrently. A webhook's mask spans refer to the
 * original texts, so when one arrives the local pass is redone on the webhook-masked texts.
 *
 * The first `memoTexts` texts (a request's history: what an agent sends again) are looked
 * up in, and added to, the rule set's memo when it has one; external moderation sees
 * every text every time.
 */
export async function scanTexts(texts: readonly string[], set: RuleSet, budget: ScanBudget, env: ScanEnv, memoTexts = 0): Promise<ScanOutcome> {
  const now = scanTextsAtOnce(texts, set, budget, memoTexts);
  if (now) return now;
  const size = texts.reduce((n, t) => n + t.length, 0);
  const none: ScanOutcome = { texts: [...texts], changed: false, hits: [], failures: [] };
  if (size > budget.maxChars) return overBudget(none, budget);

  const externals = Promise.all(set.external.map((x) => moderate(x.rule, x.detector, x.shadow, texts, env)));
  let local = await scanLocal(texts, set, budget, env, memoTexts);
  const verdicts: ExternalVerdict[] = await externals;

  const hits: Hit[] = [];
  const failures: ModerationFailure[] = [];
  let rejected: Rejection | undefined = local.rejected;
  let base = [...texts];
  for (const v of verdicts) {
    mergeHits(hits, v.hits);
    if (v.failure) failures.push(v.failure);
    rejected ??= v.rejected;
    if (v.masks) base = base.map((t, i) => applySpans(t, v.masks?.[i] ?? []));
  }
  if (!rejected && base.some((t, i) => t !== texts[i])) local = await scanLocal(base, set, budget, env, memoTexts);
  mergeHits(hits, local.hits);
  rejected ??= local.rejected;
  if (local.budgetExceeded) {
    const over = overBudget({ ...none, hits, failures }, budget);
    return rejected ? { ...over, rejected } : over;
  }
  const changed = !rejected && local.texts.some((t, i) => t !== texts[i]);
  return { texts: rejected ? [...texts] : local.texts, changed, hits, rejected, failures };
}

/** The outcome of a local scan alone (no external checks); its hits are already merged copies. */
function localOutcome(texts: readonly string[], local: LocalResult): ScanOutcome {
  const hits = local.hits;
  const changed = !local.rejected && local.texts.some((t, i) => t !== texts[i]);
  return { texts: local.rejected ? [...texts] : local.texts, changed, hits, rejected: local.rejected, failures: [] };
}

function overBudget(outcome: ScanOutcome, budget: ScanBudget): ScanOutcome {
  const failMode = budget.onBudgetExceeded === 'reject' ? 'closed' : 'open';
  const failures = [...outcome.failures, { rule: BUDGET_RULE, reason: 'scan_budget_exceeded', failMode } as const];
  const rejected = failMode === 'closed' ? { rule: BUDGET_RULE, message: BUDGET_MESSAGE } : undefined;
  return { ...outcome, failures, budgetExceeded: true, rejected };
}
