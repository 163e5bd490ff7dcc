import type { MaskStep } from './masker.js';

/** Shorter texts are scanned again: their scan costs about what a lookup does. */
export const MEMO_MIN_CHARS = 64;
/** What one entry costs besides its strings (two map slots, the step, its array). */
const ENTRY_OVERHEAD_BYTES = 160;
/** One hit group object. */
const HIT_BYTES = 80;

type Generation = Map<object, Map<string, MaskStep>>;

/**
 * What rule sets made of texts they scanned before: an agent sends its system prompt and
 * its whole history again on every step, and request-side guardrails would otherwise scan
 * all of it every time, a cost that grows with the square of the conversation.
 *
 * Keyed by the rule set (its rules and direction decide the result; a rule set belongs to
 * one policy subject, so callers of different subjects never share an entry) and the
 * exact text: a lookup never returns another text's mask. Holds at most `maxBytes` (text
 * counted at two bytes a character): two generations, the younger one filled until it
 * holds half, then aged into the older one, whose entries are dropped or, when used
 * again, moved back into the younger one. A text in use stays; one not seen for a
 * generation goes.
 *
 * The texts kept here are the unmasked originals (the key must be the text itself); they
 * live in the gateway's memory only, never in a log, span or store.
 */
export class ScanMemo {
  #young: Generation = new Map();
  #old: Generation = new Map();
  #youngBytes = 0;
  readonly #generationBytes: number;

  constructor(maxBytes: number) {
    this.#generationBytes = maxBytes / 2;
  }

  /** The step `owner` made of `text` before, if it is still known. Read-only. */
  get(owner: object, text: string): MaskStep | undefined {
    if (text.length < MEMO_MIN_CHARS) return undefined;
    const young = this.#young.get(owner)?.get(text);
    if (young !== undefined) return young;
    const old = this.#old.get(owner)?.get(text);
    if (old !== undefined) {
      this.#old.get(owner)?.delete(text);
      this.#put(owner, text, old);
    }
    return old;
  }

  /** Whether `get` would answer, without moving anything. */
  has(owner: object, text: string): boolean {
    if (text.length < MEMO_MIN_CHARS) return false;
    return this.#young.get(owner)?.has(text) === true || this.#old.get(owner)?.has(text) === true;
  }

  /** Keeps what `owner` made of `text` (its hits copied: callers go on merging into theirs). */
  remember(owner: object, text: string, step: MaskStep): void {
    if (text.length < MEMO_MIN_CHARS) return;
    const kept: MaskStep = { text: step.text, hits: step.hits.map((h) => ({ ...h })) };
    if (step.rejected) kept.rejected = { ...step.rejected };
    this.#put(owner, text, kept);
  }

  /** Entries and their counted bytes, both generations (for tests and figures). */
  get size(): { entries: number; bytes: number } {
    let entries = 0;
    let bytes = 0;
    for (const gen of [this.#young, this.#old]) {
      for (const texts of gen.values()) {
        entries += texts.size;
        for (const [text, step] of texts) bytes += bytesOf(text, step);
      }
    }
    return { entries, bytes };
  }

  #put(owner: object, text: string, step: MaskStep): void {
    const bytes = bytesOf(text, step);
    if (bytes > this.#generationBytes) return;
    if (this.#youngBytes + bytes > this.#generationBytes) {
      this.#old = this.#young;
      this.#young = new Map();
      this.#youngBytes = 0;
    }
    let texts = this.#young.get(owner);
    if (texts === undefined) this.#young.set(owner, (texts = new Map()));
    if (!texts.has(text)) this.#youngBytes += bytes;
    texts.set(text, step);
  }
}

function bytesOf(text: string, step: MaskStep): number {
  const masked = step.text === text ? 0 : step.text.length * 2;
  return text.length * 2 + masked + step.hits.length * HIT_BYTES + ENTRY_OVERHEAD_BYTES;
}
