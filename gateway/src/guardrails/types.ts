/** Shared value types of the guardrails: directions, actions, hits, verdicts. */

/** Which way the text travels: `request` = toward the model/tool, `response` = back to the caller. */
export type Direction = 'request' | 'response';

/** What a rule does when it fires. `log` = shadow mode: record only, traffic unchanged. */
export type RuleAction = 'reject' | 'mask' | 'log';

/** One detector's finding, in code units of the scanned text. Never holds the text itself. */
export interface Span {
  start: number;
  end: number;
}

/**
 * Counted findings of one rule for one entity type in one direction. Aggregated so a span
 * event says "rule pii masked EMAIL ×3", never what the email was.
 */
export interface Hit {
  rule: string;
  /** Entity label (`EMAIL`, `LOCATION`, a moderation category …). */
  entity: string;
  /** Detector that found it (`email`, `aws-access-key`, `dictionary`, `webhook` …). */
  detector: string;
  direction: Direction;
  /** The action actually taken (`log` when the guardrails run in shadow mode). */
  action: RuleAction;
  count: number;
}

/** Why content was refused; `message` is the operator's configured text, safe to show the caller. */
export interface Rejection {
  rule: string;
  message: string;
  /** True when refused because an external moderation endpoint failed under fail-closed. */
  failClosed?: boolean;
}

/** A moderation endpoint that failed (timeout, bad status, garbage), recorded whatever the policy. */
export interface ModerationFailure {
  rule: string;
  reason: string;
  failMode: 'open' | 'closed';
}

/** Result of scanning a batch of texts once. */
export interface ScanOutcome {
  /** The texts after masking (same length and order as the input). */
  texts: string[];
  /** True when at least one text changed. */
  changed: boolean;
  hits: Hit[];
  rejected?: Rejection;
  failures: ModerationFailure[];
  /** Set when the local scan ran out of its time/size budget. */
  budgetExceeded?: boolean;
}

/** Adds `more` into `into`, merging equal (rule, entity, detector, direction, action) keys. */
export function mergeHits(into: Hit[], more: readonly Hit[]): Hit[] {
  for (const h of more) {
    let same: Hit | undefined;
    for (const x of into) {
      if (x.rule === h.rule && x.entity === h.entity && x.detector === h.detector && x.direction === h.direction && x.action === h.action) {
        same = x;
        break;
      }
    }
    if (same) same.count += h.count;
    else into.push({ ...h });
  }
  return into;
}
