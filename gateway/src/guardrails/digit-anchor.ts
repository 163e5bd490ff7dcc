import type { CharSet } from './charset.js';
import { doubled } from './doubled.js';
import { codeUnits, forgetCodeUnits } from './text-codes.js';

/**
 * A necessary condition on where the matches of a number detector (cards, phones, ids)
 * start, in terms of the text's runs of digits; used only to skip text no match can start
 * in. Every match the detector accepts (regex match and validation)
 * - has its first digit at the start of a run of digits (the character before is no digit),
 *   and that run is `firstRun.min`–`firstRun.max` digits long;
 * - starts `lead.min`–`lead.max` characters before that digit, all of them in `lead.chars`;
 * - holds, counting from that digit and while each next digit follows within `maxGap`
 *   characters of `joiners`, at least `minDigits` digits in at least `minRuns` runs.
 * A wrong anchor loses matches: each built-in's is checked against its plain regex.
 */
export interface DigitAnchor {
  minDigits: number;
  minRuns?: number;
  firstRun?: { min: number; max: number };
  /** Characters between two digits of a match (with `maxGap`, how many in a row at most). */
  joiners?: CharSet;
  maxGap?: number;
  lead?: { chars: CharSet; min: number; max: number };
}

/** Characters that may join runs of digits, one bit each; 0x80 marks any other. */
const JOINER_BITS = ' -.()/';
const OTHER = 0x80;
/** Longest gap any anchor may join (`maxGap`): longer gaps are never looked into. */
const MAX_GAP = 2;
const JOINER_BIT = new Uint8Array(128).fill(OTHER);
for (let b = 0; b < JOINER_BITS.length; b++) JOINER_BIT[JOINER_BITS.charCodeAt(b)] = 1 << b;

/** A digit anchor as flat fields and tables, read per run of digits. */
export interface CompiledDigitAnchor {
  minDigits: number;
  minRuns: number;
  firstRunMin: number;
  firstRunMax: number;
  maxGap: number;
  /** Bits (JOINER_BIT) of the characters that are no joiners. */
  notJoiners: number;
  leadMin: number;
  leadMax: number;
  lead: Uint8Array;
  /** Output buffer of `digitCandidates`. */
  candidates: Int32Array;
}

/**
 * Checks and flattens an anchor. Refuses a lead that may hold digits (it comes before the
 * first digit) and what the shared run list does not record: characters outside ASCII,
 * joiners other than JOINER_BITS, gaps longer than MAX_GAP.
 */
export function compileDigitAnchor(anchor: DigitAnchor): CompiledDigitAnchor {
  const table = (set: CharSet | undefined, what: string): Uint8Array => {
    if (set?.nonAscii) throw new Error(`a digit anchor's ${what} must be ASCII`);
    return set ? set.ascii : new Uint8Array(128);
  };
  const lead = table(anchor.lead?.chars, 'lead');
  if (lead.subarray(48, 58).some((x) => x === 1)) throw new Error("a digit anchor's lead must not hold digits");
  let joiners = 0;
  table(anchor.joiners, 'joiners').forEach((x, c) => {
    if (x === 0) return;
    if (JOINER_BIT[c] === OTHER) throw new Error(`a digit anchor's joiners must be among "${JOINER_BITS}"`);
    joiners |= JOINER_BIT[c];
  });
  const maxGap = anchor.maxGap ?? 0;
  if (maxGap > MAX_GAP) throw new Error(`a digit anchor's maxGap must be at most ${MAX_GAP}`);
  return {
    minDigits: anchor.minDigits,
    minRuns: anchor.minRuns ?? 1,
    firstRunMin: anchor.firstRun?.min ?? 1,
    firstRunMax: anchor.firstRun?.max ?? Infinity,
    maxGap,
    notJoiners: 0xff & ~joiners,
    leadMin: anchor.lead?.min ?? 0,
    leadMax: anchor.lead?.max ?? 0,
    lead,
    candidates: new Int32Array(16),
  };
}

interface DigitRuns {
  count: number;
  starts: Int32Array;
  ends: Int32Array;
  /** JOINER_BIT of each character between run i and the next (OTHER if more than MAX_GAP). */
  gapBits: Uint8Array;
}

let runsText: string | undefined;
let runsFrom = 0;
const runs: DigitRuns = { count: 0, starts: new Int32Array(64), ends: new Int32Array(64), gapBits: new Uint8Array(64) };

/**
 * The maximal runs of ASCII digits (`[0-9]`) of `text` that start at or after `from`,
 * shared by the detectors scanning the same text (a stream step scans only its new end).
 */
function digitRuns(text: string, codes: Uint16Array, from: number): DigitRuns {
  if (text === runsText && from >= runsFrom) return runs;
  // Module bindings are read through the module's context on every use: read them once.
  const joinerBit = JOINER_BIT;
  let { starts, ends, gapBits } = runs;
  let count = 0;
  const len = codes.length;
  let i = from;
  // A run that began before `from` is not one of them.
  while (i > 0 && i < len && codes[i - 1] >= 48 && codes[i - 1] <= 57) i++;
  for (; i < len; i++) {
    const c = codes[i];
    if (c < 48 || c > 57) continue;
    if (count === starts.length) {
      runs.starts = starts = doubled(starts);
      runs.ends = ends = doubled(ends);
      runs.gapBits = gapBits = doubled(gapBits);
    }
    if (count > 0) {
      // What joins the previous run to this one, computed once for every anchor.
      const gapFrom = ends[count - 1];
      let bits = i - gapFrom > MAX_GAP ? OTHER : 0;
      for (let g = gapFrom; g < i && bits !== OTHER; g++) bits |= codes[g] < 128 ? joinerBit[codes[g]] : OTHER;
      gapBits[count - 1] = bits;
    }
    starts[count] = i;
    while (++i < len && codes[i] >= 48 && codes[i] <= 57);
    ends[count++] = i;
  }
  runs.count = count;
  runsText = text;
  runsFrom = from;
  return runs;
}

/**
 * Called when a scan (a whole text, or one step of a stream) ends: the shared run list and
 * code units were of its text, which is not kept past the scan.
 */
export function forgetScannedText(): void {
  runsText = undefined;
  forgetCodeUnits();
}

/**
 * Where matches starting at or after `from` may start: writes pairs `[first, last]` of
 * start positions (inclusive, ascending, disjoint; one pair per candidate first digit) to
 * `a.candidates` and returns how many numbers it wrote. No match the anchor describes
 * starts anywhere else. The buffer is the anchor's own, valid until its next call.
 */
export function digitCandidates(text: string, a: CompiledDigitAnchor, from: number): number {
  const codes = codeUnits(text);
  const { count, starts, ends, gapBits } = digitRuns(text, codes, from);
  const { minDigits, minRuns, firstRunMin, firstRunMax, maxGap, notJoiners, leadMin, leadMax, lead } = a;
  let out = a.candidates;
  let n = 0;
  // A match's first digit starts a run at or after `from`; the runs from there are joined
  // forwards only, so the runs before it do not matter.
  let first = 0;
  for (let hi = count; first < hi; ) {
    const mid = (first + hi) >> 1;
    if (starts[mid] < from) first = mid + 1;
    else hi = mid;
  }
  for (let i = first; i < count; ) {
    // Runs i..j joined by short gaps of joiners: a match's digits from its first one lie in them.
    let j = i;
    let digits = ends[i] - starts[i];
    while (j + 1 < count && starts[j + 1] - ends[j] <= maxGap && (gapBits[j] & notJoiners) === 0) {
      j++;
      digits += ends[j] - starts[j];
    }
    // A run can start a match while enough digits and runs follow from it.
    for (let k = i; k <= j - minRuns + 1 && digits >= minDigits; k++) {
      const d = starts[k];
      const len = ends[k] - d;
      digits -= len;
      if (len < firstRunMin || len > firstRunMax) continue;
      let l = 0;
      while (l < leadMax && d - l > 0 && codes[d - l - 1] < 128 && lead[codes[d - l - 1]] === 1) l++;
      if (l < leadMin) continue;
      if (n + 2 > out.length) a.candidates = out = doubled(out);
      out[n++] = d - l;
      out[n++] = d - leadMin;
    }
    i = j + 1;
  }
  return n;
}
