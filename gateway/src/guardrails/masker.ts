import { forgetScannedText } from './digit-anchor.js';
import type { Pattern } from './pattern.js';
import type { Direction, Hit, Rejection, RuleAction } from './types.js';

/** One pattern as used by one rule. */
export interface MaskEntry {
  pattern: Pattern;
  rule: string;
  /** Effective action (`log` for every rule in shadow mode). */
  action: RuleAction;
  /** Text that replaces a masked span (`[EMAIL]` or the rule's fixed string). */
  replacement: string;
  /** Refusal message for `reject`. */
  message: string;
}

export interface MaskStep {
  /** Text that is now safe to emit. */
  text: string;
  /** Hits found during this step. */
  hits: Hit[];
  /** Set once a `reject` rule fired; the masker emits nothing more. */
  rejected?: Rejection;
}

export interface StreamMasker {
  push(chunk: string): MaskStep;
  /** The text is complete (after `lastChunk`): decide and emit everything held back. */
  end(lastChunk?: string): MaskStep;
  /** Characters received and still undecided (neither emitted nor swallowed by a mask). */
  readonly heldChars: number;
}

interface SpanRec {
  start: number;
  /** End; while `open`, a lower bound (where the search for the end continues). */
  end: number;
  open: boolean;
  entry: MaskEntry;
}

interface EntryState {
  entry: MaskEntry;
  /** Absolute position the next scan starts at. */
  cursor: number;
  /** Every span of this entry starting before `decided` is known. */
  decided: number;
  open?: SpanRec;
}

interface Group {
  /** Largest end among closed members. */
  end: number;
  /** Members whose end is not known yet. */
  opens: SpanRec[];
}

/** One scan step; what detectors shared about its text is forgotten when it ends. */
function scanned(step: (final: boolean) => MaskStep, final: boolean): MaskStep {
  try {
    return step(final);
  } finally {
    forgetScannedText();
  }
}

/**
 * Masks text that arrives in pieces. Each pattern scans from its own cursor exactly as it
 * would scan the whole text; only text before the point where every pattern has decided
 * its spans is emitted. Overlapping masked spans merge into one replacement (that of the
 * earliest, then first-listed, span). So any split of a text yields the same output as the
 * whole text, while at most `maxHoldBackChars` (or the longest pattern reach, if smaller)
 * is held back; past that cap text is emitted anyway and a late match is masked from there.
 */
export function createMasker(entries: readonly MaskEntry[], direction: Direction, maxHoldBackChars: number): StreamMasker {
  const states: EntryState[] = entries.map((entry) => ({ entry, cursor: 0, decided: 0 }));
  const gating = states.filter((s) => s.entry.action !== 'log');
  const pending: SpanRec[] = [];
  const order = new Map(entries.map((e, i) => [e, i]));
  let buf = '';
  let base = 0;
  let emitPos = 0;
  let group: Group | undefined;
  let rejected: Rejection | undefined;
  let stepHits: Hit[] = [];

  const total = (): number => base + buf.length;
  const rel = (abs: number): number => abs - base;

  const hit = (entry: MaskEntry): void => {
    const h = stepHits.find((x) => x.rule === entry.rule && x.detector === entry.pattern.detector && x.action === entry.action);
    if (h) h.count++;
    else stepHits.push({ rule: entry.rule, entity: entry.pattern.entity, detector: entry.pattern.detector, direction, action: entry.action, count: 1 });
  };

  const addSpan = (span: SpanRec): void => {
    hit(span.entry);
    if (span.entry.action === 'reject') rejected ??= { rule: span.entry.rule, message: span.entry.message };
    if (span.entry.action !== 'mask') return;
    const rank = (s: SpanRec): number => s.start * entries.length + (order.get(s.entry) ?? 0);
    let i = pending.length;
    while (i > 0 && rank(pending[i - 1]) > rank(span)) i--;
    pending.splice(i, 0, span);
  };

  const advance = (st: EntryState, final: boolean): void => {
    const p = st.entry.pattern;
    if (st.open) {
      const r = p.close(buf, { searchFrom: rel(st.open.end) }, final);
      if ('searchFrom' in r) {
        st.open.end = r.searchFrom + base;
        st.decided = st.open.end;
        return;
      }
      st.open.end = r.end + base;
      st.open.open = false;
      st.cursor = st.open.end;
      st.open = undefined;
    }
    const safe = final ? Infinity : p.safeLimit(buf, rel(st.cursor)) + base;
    for (const m of p.scan(buf, rel(st.cursor), final ? buf.length : rel(safe), final)) {
      const span: SpanRec = { start: m.start + base, end: m.end + base, open: m.open !== undefined, entry: st.entry };
      addSpan(span);
      if (m.open) {
        st.open = span;
        st.decided = span.end;
        return;
      }
      st.cursor = span.end;
    }
    st.cursor = final ? total() : Math.max(st.cursor, safe + 1);
    st.decided = st.cursor;
  };

  const text = (from: number, to: number): string => (to > from ? buf.slice(rel(from), rel(to)) : '');

  const drain = (limit: number): string => {
    let out = '';
    for (;;) {
      if (group) {
        const g = group;
        for (const o of g.opens) if (!o.open) g.end = Math.max(g.end, o.end);
        g.opens = g.opens.filter((o) => o.open);
        while (pending.length > 0 && pending[0].start < limit && (g.opens.length > 0 || pending[0].start < g.end)) {
          const s = pending.shift() as SpanRec;
          if (s.open) g.opens.push(s);
          else g.end = Math.max(g.end, s.end);
        }
        if (g.opens.length > 0 || g.end > limit) break;
        emitPos = Math.max(emitPos, g.end);
        group = undefined;
        continue;
      }
      const s = pending[0];
      if (s !== undefined && s.start < limit) {
        pending.shift();
        if (!s.open && s.end <= emitPos) continue; // already emitted past the hold-back cap
        const start = Math.max(s.start, emitPos);
        out += text(emitPos, start) + s.entry.replacement;
        emitPos = start;
        group = s.open ? { end: start, opens: [s] } : { end: s.end, opens: [] };
        continue;
      }
      out += text(emitPos, limit);
      emitPos = Math.max(emitPos, limit);
      return out;
    }
    return out;
  };

  const trim = (): void => {
    // Output resumes at the group's end, which is at least every member's (lower-bound) end.
    let floor = group ? Math.max(group.end, ...group.opens.map((o) => o.end)) : emitPos;
    for (const st of states) {
      const need = st.open ? st.open.end - st.entry.pattern.openBehindChars : st.cursor - st.entry.pattern.behindChars;
      floor = Math.min(floor, need);
    }
    if (floor > base) {
      buf = buf.slice(floor - base);
      base = floor;
    }
  };

  const step = (final: boolean): MaskStep => {
    stepHits = [];
    if (rejected) return { text: '', hits: [] };
    for (const st of states) {
      advance(st, final);
      if (rejected) return { text: '', hits: stepHits, rejected };
    }
    // Log-only rules never change the output, so emission waits only for mask/reject rules.
    const decided = final ? total() : Math.min(total(), ...gating.map((s) => s.decided));
    const out = drain(final ? total() : Math.max(decided, total() - maxHoldBackChars));
    trim();
    return { text: out, hits: stepHits };
  };

  return {
    push(chunk) {
      if (rejected) return { text: '', hits: [] };
      buf += chunk;
      return scanned(step, false);
    },
    end(lastChunk = '') {
      if (rejected) return { text: '', hits: [] };
      buf += lastChunk;
      return scanned(step, true);
    },
    get heldChars() {
      const resume = group ? Math.max(group.end, ...group.opens.map((o) => o.end)) : emitPos;
      return Math.max(0, total() - resume);
    },
  };
}
