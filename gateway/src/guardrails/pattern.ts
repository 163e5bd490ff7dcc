/**
 * The contract between detectors and the masker. A pattern scans left to right like a
 * global regex (the next match starts where the previous ended) and says how much text
 * decides a match, so the stream masker can hold back exactly that much and still produce
 * the same spans as a scan of the whole text.
 */

/** A match in the scanned text. `open`: its start is decided but its end is not seen yet. */
export interface PatternMatch {
  start: number;
  end: number;
  open?: OpenMatch;
}

/** How to continue an open match: its end lies at or after `searchFrom`. */
export interface OpenMatch {
  searchFrom: number;
}

/** The result of a scan that found nothing (shared: scans allocate only when they match). */
export const NO_MATCHES: readonly PatternMatch[] = Object.freeze([]);

export interface Pattern {
  /** Entity label used for masks and hits (`EMAIL`, `LOCATION` …). */
  readonly entity: string;
  /** Detector name for hits (`email`, `aws-access-key`, `dictionary`, `regex` …). */
  readonly detector: string;
  /** Characters before a candidate start the pattern reads. */
  readonly behindChars: number;
  /** Characters from a start that decide whether (and where) a match starts there. */
  readonly decideChars: number;
  /** Characters before `searchFrom` an open match needs when continued. */
  readonly openBehindChars: number;
  /** False when `text` holds no match (it lacks a literal every match needs); absent: it may. */
  readonly mayMatch?: (text: string) => boolean;
  /**
   * Matches starting in [from, limit], in scan order. With `final` the text is complete;
   * otherwise a match whose end is not visible yet is returned open and ends the list.
   */
  scan(text: string, from: number, limit: number, final: boolean): readonly PatternMatch[];
  /** The last start position (≥ from − 1) whose outcome `text` decides without more text. */
  safeLimit(text: string, from: number): number;
  /** Continues an open match: its end, or a new open state. */
  close(text: string, open: OpenMatch, final: boolean): { end: number } | OpenMatch;
}
