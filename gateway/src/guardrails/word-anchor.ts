import type { CharSet } from './charset.js';
import { doubled } from './doubled.js';
import { codeUnits } from './text-codes.js';

/**
 * A necessary condition on the matches of a token detector (the codice fiscale): every match
 * it accepts is a whole run of `chars`, with none of them right before or after it, of
 * `min`–`max` characters. Used only to skip text no match can start in: irregexp tries such
 * a regex at every position, a pass over the code units finds the few runs of that length.
 * A wrong anchor loses matches: each one is checked against its plain regex.
 */
export interface WordAnchor {
  chars: CharSet;
  min: number;
  max: number;
}

export interface CompiledWordAnchor {
  /** 1 for the ASCII characters of `chars` (no other belongs). */
  chars: Uint8Array;
  min: number;
  max: number;
  /** Output buffer of `wordCandidates`. */
  candidates: Int32Array;
}

export function compileWordAnchor(anchor: WordAnchor): CompiledWordAnchor {
  if (anchor.chars.nonAscii) throw new Error("a word anchor's characters must be ASCII");
  return { chars: anchor.chars.ascii, min: anchor.min, max: anchor.max, candidates: new Int32Array(16) };
}

/**
 * Where matches starting at or after `from` may start: writes pairs `[first, last]` of
 * start positions (ascending; one per run of the right length, both its start) to
 * `a.candidates` and returns how many numbers it wrote. The buffer is the anchor's own,
 * valid until its next call.
 */
export function wordCandidates(text: string, a: CompiledWordAnchor, from: number): number {
  const codes = codeUnits(text);
  const { chars, min, max } = a;
  const len = codes.length;
  let out = a.candidates;
  let n = 0;
  let i = from;
  // A run that began before `from` starts no match there.
  while (i > 0 && i < len && codes[i - 1] < 128 && chars[codes[i - 1]] === 1) i++;
  for (; i < len; i++) {
    if (codes[i] >= 128 || chars[codes[i]] === 0) continue;
    const start = i;
    while (++i < len && codes[i] < 128 && chars[codes[i]] === 1);
    if (i - start < min || i - start > max) continue;
    if (n + 2 > out.length) a.candidates = out = doubled(out);
    out[n++] = start;
    out[n++] = start;
  }
  return n;
}
