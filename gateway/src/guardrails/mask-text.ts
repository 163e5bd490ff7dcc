import { type MaskEntry, type MaskStep, createMasker } from './masker.js';
import type { PatternMatch } from './pattern.js';
import type { Direction, Hit, Rejection } from './types.js';

interface MaskSpan {
  start: number;
  end: number;
  /** Position of the span's entry in the rule set (breaks ties between equal starts). */
  order: number;
  replacement: string;
}

/**
 * Masks a complete text in one pass: exactly what a fresh stream masker returns for
 * `end(text)` (same spans, merges, hits and refusal), without the stream state it keeps
 * to emit early. Whole request and response bodies go through here; texts longer than a
 * scan slice and streams use `createMasker`. A pattern that leaves a match open on a
 * complete text (none of the shipped ones do) gets the stream masker itself.
 */
export function maskText(entries: readonly MaskEntry[], direction: Direction, text: string): MaskStep {
  const hits: Hit[] = [];
  const spans: MaskSpan[] = [];
  let rejected: Rejection | undefined;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    const required = entry.pattern.required;
    if (required !== undefined && !text.includes(required)) continue;
    const found: readonly PatternMatch[] = entry.pattern.scan(text, 0, text.length, true);
    if (found.length === 0) continue;
    for (const m of found) if (m.open !== undefined) return createMasker(entries, direction, Infinity).end(text);
    countHits(hits, entry, direction, found.length);
    if (entry.action === 'reject') rejected ??= { rule: entry.rule, message: entry.message };
    if (entry.action === 'mask') {
      // A span starting at the very end is never emitted by the masker (it waits for more text).
      for (const m of found) if (m.start < text.length) spans.push({ start: m.start, end: m.end, order: i, replacement: entry.replacement });
    }
    // The masker stops scanning after the entry that refused.
    if (rejected) return { text: '', hits, rejected };
  }
  return { text: spans.length === 0 ? text : applyMasks(text, spans), hits };
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
function applyMasks(text: string, spans: MaskSpan[]): string {
  sortSpans(spans);
  let out = '';
  let emitPos = 0;
  let i = 0;
  while (i < spans.length) {
    const s = spans[i++];
    if (s.end <= emitPos) continue;
    const start = Math.max(s.start, emitPos);
    if (start > emitPos) out += text.slice(emitPos, start);
    out += s.replacement;
    let end = s.end;
    while (i < spans.length && spans[i].start < end) end = Math.max(end, spans[i++].end);
    // (Spans end inside the text; were one to end past it, the masker would still wait.)
    if (end > text.length) return out;
    emitPos = Math.max(start, end);
  }
  return emitPos < text.length ? out + text.slice(emitPos) : out;
}

/** Sorts by (start, order). Spans come in sorted runs (one per entry); usually few. */
function sortSpans(spans: MaskSpan[]): void {
  if (spans.length > 32) {
    spans.sort((a, b) => a.start - b.start || a.order - b.order);
    return;
  }
  for (let i = 1; i < spans.length; i++) {
    const s = spans[i];
    let j = i;
    while (j > 0 && (spans[j - 1].start > s.start || (spans[j - 1].start === s.start && spans[j - 1].order > s.order))) {
      spans[j] = spans[j - 1];
      j--;
    }
    spans[j] = s;
  }
}
