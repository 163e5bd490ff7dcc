import type { MaskStep } from './masker.js';

/** Shorter texts are scanned again: their scan costs about what a lookup does. */
export const MEMO_MIN_CHARS = 64;
/** What one entry costs besides its strings (two map slots, the step, its array). */
const ENTRY_OVERHEAD_BYTES = 160;
/** One hit group object. */
const HIT_BYTES = 80;

/** Texts of one fingerprint kept per rule set: colliding texts beyond it push out the oldest. */
const MAX_CHAIN = 8;

interface Entry {
  text: string;
  step: MaskStep;
  bytes: number;
  /** The next text with the same fingerprint. */
  next: Entry | undefined;
}

/** Per rule set, per fingerprint, a short chain of texts. */
type Generation = Map<object, Map<number, Entry>>;

/**
 * A cheap hash of `text` (at least MEMO_MIN_CHARS long): its length and 64–127 characters
 * spread over it. A map keyed by the text itself hashes every character of a fresh string,
 * ~1.2 ns each, the most a lookup would cost; texts that collide here are told apart by
 * comparing them, which is a memory compare.
 */
export function fingerprint(text: string): number {
  const n = text.length;
  let h = Math.imul(n ^ 0x811c9dc5, 0x01000193);
  const step = n >> 6;
  for (let i = 0; i < n; i += step) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ text.charCodeAt(n - 1), 0x01000193);
  return h >>> 0;
}

/**
 * What rule sets made of texts they scanned before: an agent sends its system prompt and
 * its whole history again on every step, and request-side guardrails would otherwise scan
 * all of it every time, a cost that grows with the square of the conversation.
 *
 * Keyed by the rule set (its rules and direction decide the result; a rule set belongs to
 * one policy subject, so callers of different subjects never share an entry) and the
 * exact text (found by `fingerprint`, then compared whole): a lookup never returns another
 * text's mask. Holds at most `maxBytes` (text counted at two bytes a character): two
 * generations, the younger one filled until it holds half, then aged into the older one,
 * whose entries are dropped or, when used again, moved back into the younger one. A text
 * in use stays; one not seen for a generation goes.
 *
 * The texts kept here are the unmasked originals (a lookup must compare the text itself);
 * they live in the gateway's memory only, never in a log, span or store.
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
    const fp = fingerprint(text);
    const young = find(this.#young.get(owner)?.get(fp), text);
    if (young !== undefined) return young.step;
    const olds = this.#old.get(owner);
    const old = find(olds?.get(fp), text);
    if (old === undefined) return undefined;
    unlink(olds as Map<number, Entry>, fp, old);
    this.#put(owner, fp, text, old.step, old.bytes);
    return old.step;
  }

  /** Whether `get` would answer, without moving anything. */
  has(owner: object, text: string): boolean {
    if (text.length < MEMO_MIN_CHARS) return false;
    const fp = fingerprint(text);
    return find(this.#young.get(owner)?.get(fp), text) !== undefined || find(this.#old.get(owner)?.get(fp), text) !== undefined;
  }

  /** Keeps what `owner` made of `text` (its hits copied: callers go on merging into theirs). */
  remember(owner: object, text: string, step: MaskStep): void {
    if (text.length < MEMO_MIN_CHARS) return;
    const kept: MaskStep = { text: step.text, hits: step.hits.map((h) => ({ ...h })) };
    if (step.rejected) kept.rejected = { ...step.rejected };
    this.#put(owner, fingerprint(text), text, kept, bytesOf(text, kept));
  }

  /** Entries and their counted bytes, both generations (for tests and figures). */
  get size(): { entries: number; bytes: number } {
    let entries = 0;
    let bytes = 0;
    for (const gen of [this.#young, this.#old]) {
      for (const chains of gen.values()) {
        for (const head of chains.values()) {
          for (let e: Entry | undefined = head; e !== undefined; e = e.next) {
            entries++;
            bytes += e.bytes;
          }
        }
      }
    }
    return { entries, bytes };
  }

  #put(owner: object, fp: number, text: string, step: MaskStep, bytes: number): void {
    if (bytes > this.#generationBytes) return;
    if (this.#youngBytes + bytes > this.#generationBytes) {
      this.#old = this.#young;
      this.#young = new Map();
      this.#youngBytes = 0;
    }
    let chains = this.#young.get(owner);
    if (chains === undefined) this.#young.set(owner, (chains = new Map()));
    const head = chains.get(fp);
    const same = find(head, text);
    if (same !== undefined) {
      same.step = step;
      return;
    }
    chains.set(fp, { text, step, bytes, next: head });
    this.#youngBytes += bytes;
    // A long chain (texts built to collide) loses its oldest text.
    let e = chains.get(fp);
    for (let depth = 1; e !== undefined && depth < MAX_CHAIN; depth++) e = e.next;
    if (e?.next !== undefined) {
      this.#youngBytes -= e.next.bytes;
      e.next = undefined;
    }
  }
}

function find(head: Entry | undefined, text: string): Entry | undefined {
  for (let e = head; e !== undefined; e = e.next) if (e.text === text) return e;
  return undefined;
}

function unlink(chains: Map<number, Entry>, fp: number, entry: Entry): void {
  const head = chains.get(fp);
  if (head === entry) {
    if (entry.next === undefined) chains.delete(fp);
    else chains.set(fp, entry.next);
    return;
  }
  for (let e = head; e !== undefined; e = e.next) {
    if (e.next === entry) {
      e.next = entry.next;
      return;
    }
  }
}

function bytesOf(text: string, step: MaskStep): number {
  const masked = step.text === text ? 0 : step.text.length * 2;
  return text.length * 2 + masked + step.hits.length * HIT_BYTES + ENTRY_OVERHEAD_BYTES;
}
