import { forgetScannedText } from './digit-anchor.js';
import { doubled } from './doubled.js';
import { type MaskEntry, type MaskStep, createMasker } from './masker.js';
import type { PatternMatch } from './pattern.js';
import type { Direction, Hit, Rejection } from './types.js';

/**
 * The masked spans of one call, as parallel arrays (no object per span): start, end and the
 * position of the span's entry in the rule set (which breaks ties between equal starts and
 * gives the replacement). Shared by all calls: `maskText` runs to completion without
 * re-entering itself.
 */
let spanStarts: Int32Array = new Int32Array(64);
let spanEnds: Int32Array = new Int32Array(64);
let spanOrders: Int32Array = new Int32Array(64);
/** Span indexes in emission order. */
let sorted: Int32Array = new Int32Array(64);

/**
 * Masks a complete text in one pass: exactly what a fresh stream masker returns for
 * `end(text)` (same spans, merges, hits and refusal), without the stream state it keeps
 * to emit early. Whole request and response bodies go through here; texts longer than a
 * scan slice and streams use `createMasker`. A pattern that leaves a match open on a
 * complete text (none of the shipped ones do) gets the stream masker itself.
 */
export function maskText(entries: readonly MaskEntry[], direction: Direction, text: string): MaskStep {
  try {
    return maskWholeText(entries, direction, text);
  } finally {
    forgetScannedText();
  }
}

function maskWholeText(entries: readonly MaskEntry[], direction: Direction, text: string): MaskStep {
  const hits: Hit[] = [];
  let spans = 0;
  let rejected: Rejection | undefined;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    const mayMatch = entry.pattern.mayMatch;
    if (mayMatch !== undefined && !mayMatch(text)) continue;
    const found: readonly PatternMatch[] = entry.pattern.scan(text, 0, text.length, true);
    if (found.length === 0) continue;
    const mask = entry.action === 'mask';
    for (let k = 0; k < found.length; k++) {
      const m = found[k];
      if (m.open !== undefined) return createMasker(entries, direction, Infinity).end(text);
      // A span starting at the very end is never emitted by the masker (it waits for more text).
      if (!mask || m.start >= text.length) continue;
      if (spans === spanStarts.length) {
        spanStarts = doubled(spanStarts);
        spanEnds = doubled(spanEnds);
        spanOrders = doubled(spanOrders);
      }
      spanStarts[spans] = m.start;
      spanEnds[spans] = m.end;
      spanOrders[spans++] = i;
    }
    countHits(hits, entry, direction, found.length);
    if (entry.action === 'reject') rejected ??= { rule: entry.rule, message: entry.message };
    // The masker stops scanning after the entry that refused.
    if (rejected) return { text: '', hits, rejected };
  }
  return { text: spans === 0 ? text : applyMasks(text, entries, spans), hits };
}

/** The masker's hit bookkeeping: one Hit per (rule, detector, action), in order of first hit. */
function countHits(hits: Hit[], entry: MaskEntry, direction: Direction, count: number): void {
  for (const h of hits) {
    if (h.rule === entry.rule && h.detector === entry.pattern.detector && h.action === entry.action) {
      h.count += count;
      return;
    }
  }
  hits.push({ rule: entry.rule, entity: entry.pattern.entity, detector: entry.pattern.detector, direction, action: entry.action, count });
}

/**
 * The masker's emission rule on a complete text: spans in (start, entry) order; a span
 * opens a group that swallows every later span starting before the group's end, and the
 * group is replaced by its first span's replacement. A span wholly before the output
 * position is dropped; one reaching back into emitted text is masked from there on.
 */
function applyMasks(text: string, entries: readonly MaskEntry[], count: number): string {
  sortSpans(count);
  let out = '';
  let emitPos = 0;
  let k = 0;
  while (k < count) {
    const s = sorted[k++];
    if (spanEnds[s] <= emitPos) continue;
    const start = Math.max(spanStarts[s], emitPos);
    if (start > emitPos) out += text.slice(emitPos, start);
    out += entries[spanOrders[s]].replacement;
    let end = spanEnds[s];
    while (k < count && spanStarts[sorted[k]] < end) end = Math.max(end, spanEnds[sorted[k++]]);
    // (Spans end inside the text; were one to end past it, the masker would still wait.)
    if (end > text.length) return out;
    emitPos = Math.max(start, end);
  }
  return emitPos < text.length ? out + text.slice(emitPos) : out;
}

/**
 * Fills `sorted` with the span indexes by (start, entry). Spans were added entry by entry,
 * each entry's in order of start, so a stable sort by start is enough; they come in a few
 * sorted runs, which insertion sort handles well while they are few.
 */
function sortSpans(count: number): void {
  if (sorted.length < count) sorted = new Int32Array(spanStarts.length);
  for (let i = 0; i < count; i++) sorted[i] = i;
  if (count > 32) {
    // Index order breaks ties, keeping the sort stable.
    sorted.subarray(0, count).sort((a, b) => spanStarts[a] - spanStarts[b] || a - b);
    return;
  }
  for (let i = 1; i < count; i++) {
    const s = sorted[i];
    let j = i;
    while (j > 0 && spanStarts[sorted[j - 1]] > spanStarts[s]) {
      sorted[j] = sorted[j - 1];
      j--;
    }
    sorted[j] = s;
  }
}
