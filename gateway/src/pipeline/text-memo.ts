/** Shorter texts are worked out again: their work costs about what a lookup does. */
export const MEMO_MIN_CHARS = 64;
/** What one entry costs besides its text and value (map slots, the entry object). */
const ENTRY_OVERHEAD_BYTES = 128;
/** Texts of one fingerprint kept per owner: colliding texts beyond it push out the oldest. */
const MAX_CHAIN = 8;

interface Entry<V> {
  text: string;
  value: V;
  bytes: number;
  /** The next text with the same fingerprint. */
  next: Entry<V> | undefined;
}

/** Per owner, per fingerprint, a short chain of texts. */
type Generation<V> = Map<object, Map<number, Entry<V>>>;

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
 * What was worked out from texts seen before, for work that agents make the gateway redo:
 * an agent sends its system prompt and its whole history again on every step.
 *
 * Keyed by an owner (whatever decides the result: a guardrail rule set, a tokenizer) and
 * the exact text (found by `fingerprint`, then compared whole): a lookup never returns
 * another text's value. Holds at most `maxBytes` (text counted at two bytes a character,
 * values as `valueBytes` says): two generations, the younger one filled until it holds
 * half, then aged into the older one, whose entries are dropped or, when used again, moved
 * back into the younger one. A text in use stays; one not seen for a generation goes.
 *
 * The texts are kept as they came (a lookup must compare the text itself), in the
 * gateway's memory only.
 */
export class TextMemo<V> {
  #young: Generation<V> = new Map();
  #old: Generation<V> = new Map();
  #youngBytes = 0;
  readonly #generationBytes: number;

  constructor(
    maxBytes: number,
    private readonly valueBytes: (text: string, value: V) => number,
  ) {
    this.#generationBytes = maxBytes / 2;
  }

  /** The value kept for `text` under `owner`, if it is still known. Read-only. */
  get(owner: object, text: string): V | undefined {
    if (text.length < MEMO_MIN_CHARS) return undefined;
    const fp = fingerprint(text);
    const young = find(this.#young.get(owner)?.get(fp), text);
    if (young !== undefined) return young.value;
    const olds = this.#old.get(owner);
    const old = find(olds?.get(fp), text);
    if (old === undefined) return undefined;
    unlink(olds as Map<number, Entry<V>>, fp, old);
    this.#put(owner, fp, text, old.value, old.bytes);
    return old.value;
  }

  /** Whether `get` would answer, without moving anything. */
  has(owner: object, text: string): boolean {
    if (text.length < MEMO_MIN_CHARS) return false;
    const fp = fingerprint(text);
    return find(this.#young.get(owner)?.get(fp), text) !== undefined || find(this.#old.get(owner)?.get(fp), text) !== undefined;
  }

  /** Keeps `value` for `text` under `owner` (texts shorter than MEMO_MIN_CHARS are not kept). */
  set(owner: object, text: string, value: V): void {
    if (text.length < MEMO_MIN_CHARS) return;
    this.#put(owner, fingerprint(text), text, value, text.length * 2 + this.valueBytes(text, value) + ENTRY_OVERHEAD_BYTES);
  }

  /** Entries and their counted bytes, both generations (for tests and figures). */
  get size(): { entries: number; bytes: number } {
    let entries = 0;
    let bytes = 0;
    for (const gen of [this.#young, this.#old]) {
      for (const chains of gen.values()) {
        for (const head of chains.values()) {
          for (let e: Entry<V> | undefined = head; e !== undefined; e = e.next) {
            entries++;
            bytes += e.bytes;
          }
        }
      }
    }
    return { entries, bytes };
  }

  #put(owner: object, fp: number, text: string, value: V, bytes: number): void {
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
      same.value = value;
      return;
    }
    chains.set(fp, { text, value, bytes, next: head });
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

function find<V>(head: Entry<V> | undefined, text: string): Entry<V> | undefined {
  for (let e = head; e !== undefined; e = e.next) if (e.text === text) return e;
  return undefined;
}

function unlink<V>(chains: Map<number, Entry<V>>, fp: number, entry: Entry<V>): void {
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
