import { TextMemo } from '../pipeline/text-memo.js';
import type { MaskStep } from './masker.js';

export { MEMO_MIN_CHARS, fingerprint } from '../pipeline/text-memo.js';

/** One hit group object. */
const HIT_BYTES = 80;
/** The step object and its hits array. */
const STEP_BYTES = 64;

const stepBytes = (text: string, step: MaskStep): number =>
  (step.text === text ? 0 : step.text.length * 2) + step.hits.length * HIT_BYTES + STEP_BYTES;

/**
 * What rule sets made of texts they scanned before (`TextMemo`, owned by the rule set): an
 * agent sends its system prompt and its whole history again on every step, and
 * request-side guardrails would otherwise scan all of it every time, a cost that grows
 * with the square of the conversation. A rule set belongs to one policy subject, so
 * callers of different subjects never share an entry. The texts kept are the unmasked
 * originals, never written to a log, span or store.
 */
export class ScanMemo extends TextMemo<MaskStep> {
  constructor(maxBytes: number) {
    super(maxBytes, stepBytes);
  }

  /** Keeps what `owner` made of `text` (its hits copied: callers go on merging into theirs). */
  remember(owner: object, text: string, step: MaskStep): void {
    const kept: MaskStep = { text: step.text, hits: step.hits.map((h) => ({ ...h })) };
    if (step.rejected) kept.rejected = { ...step.rejected };
    this.set(owner, text, kept);
  }
}
