/** A span to replace, in code units of one text. */
export interface ReplaceSpan {
  start: number;
  end: number;
  replacement: string;
}

/**
 * Replaces spans in `text`. Overlapping or touching-inside spans merge into one
 * replacement (the earliest span's), so no part of a detected entity survives.
 */
export function applySpans(text: string, spans: readonly ReplaceSpan[]): string {
  if (spans.length === 0) return text;
  const sorted = [...spans].filter((s) => s.end > s.start).sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let pos = 0;
  let i = 0;
  while (i < sorted.length) {
    const first = sorted[i];
    let end = first.end;
    i++;
    while (i < sorted.length && sorted[i].start < end) end = Math.max(end, sorted[i++].end);
    out += text.slice(pos, first.start) + first.replacement;
    pos = end;
  }
  return out + text.slice(pos);
}

/** Joins texts with a separator and maps spans of the joined text back to each part. */
export function joinTexts(texts: readonly string[], separator: string): { joined: string; offsets: number[] } {
  const offsets: number[] = [];
  let at = 0;
  for (const t of texts) {
    offsets.push(at);
    at += t.length + separator.length;
  }
  return { joined: texts.join(separator), offsets };
}

/** Splits spans over the joined text into per-part spans (clipped to each part). */
export function splitSpans(texts: readonly string[], offsets: readonly number[], spans: readonly ReplaceSpan[]): ReplaceSpan[][] {
  return texts.map((t, i) => {
    const lo = offsets[i];
    const hi = lo + t.length;
    return spans
      .filter((s) => s.start < hi && s.end > lo)
      .map((s) => ({ start: Math.max(s.start, lo) - lo, end: Math.min(s.end, hi) - lo, replacement: s.replacement }));
  });
}
