import type { RateLimitRuleConfig } from '../config/sections/rate-limits.js';
import { gcraAdjust, gcraRemaining, gcraTake, type GcraLimit } from './gcra.js';

/** One rule applied to one caller: which GCRA states it draws on. */
export interface RateCheck {
  rule: RateLimitRuleConfig;
  /** The rule's name plus the values of its `per` dimensions. */
  key: string;
}

/** How one limit (requests or tokens of one rule) stands after a take. */
export interface LimitState {
  rule: string;
  unit: 'requests' | 'tokens';
  limit: number;
  remaining: number;
  resetMs: number;
}

export interface RateRefusal extends LimitState {
  /** Undefined when the call can never fit (it needs more than the whole limit). */
  retryAfterMs: number | undefined;
  needed: number;
}

/** A successful take: what to give back or add when the actual token count is known. */
export interface RateTicket {
  readonly checks: readonly RateCheck[];
  tokens: number;
  done: boolean;
}

export type TakeResult = { ok: true; ticket: RateTicket; states: LimitState[] } | { ok: false; refusals: RateRefusal[]; states: LimitState[] };

// A rule's two GCRA limits, built once per rule object.
const limitsOf = new WeakMap<RateLimitRuleConfig, { requests?: GcraLimit; tokens?: GcraLimit }>();
function limits(r: RateLimitRuleConfig): { requests?: GcraLimit; tokens?: GcraLimit } {
  let l = limitsOf.get(r);
  if (!l) {
    l = {
      requests: r.requests === undefined ? undefined : { limit: r.requests, periodMs: r.periodMs },
      tokens: r.tokens === undefined ? undefined : { limit: r.tokens, periodMs: r.periodMs },
    };
    limitsOf.set(r, l);
  }
  return l;
}
const limitOf = (r: RateLimitRuleConfig, unit: 'requests' | 'tokens'): GcraLimit | undefined => limits(r)[unit];

const UNITS = ['requests', 'tokens'] as const;

// Idle keys are dropped once their bucket is full again; sweep at most this often.
const SWEEP_EVERY_TAKES = 10_000;

/**
 * Request and token rate limits with GCRA, per replica, clock injected. A take is all or
 * nothing across every rule that applies; token takes are settled to actual usage later.
 */
export class RateLimiter {
  readonly #now: () => number;
  /**
   * TAT per check key, one map per unit: `RateCheck.key` strings are built once per caller
   * (the stage memoizes its checks), so a lookup hashes nothing new.
   */
  readonly #tat: Record<'requests' | 'tokens', Map<string, number>> = { requests: new Map(), tokens: new Map() };
  #takes = 0;

  constructor(opts: { now: () => number }) {
    this.#now = opts.now;
  }

  take(checks: readonly RateCheck[], requests: number, tokens: number): TakeResult {
    const nowMs = this.#now();
    if (++this.#takes % SWEEP_EVERY_TAKES === 0) this.#sweep(nowMs);
    const states: LimitState[] = [];
    const newTats: number[] = [];
    let refusals: RateRefusal[] | undefined;
    for (const c of checks) {
      for (const unit of UNITS) {
        const limit = limitOf(c.rule, unit);
        if (!limit) continue;
        const cost = unit === 'requests' ? requests : tokens;
        const d = gcraTake(limit, this.#tat[unit].get(c.key) ?? nowMs, cost, nowMs);
        const state: LimitState = { rule: c.rule.name, unit, limit: limit.limit, remaining: d.remaining, resetMs: d.resetMs };
        states.push(state);
        newTats.push(d.tatMs);
        if (!d.allowed) (refusals ??= []).push({ ...state, retryAfterMs: d.retryAfterMs, needed: cost });
      }
    }
    if (refusals) return { ok: false, refusals, states };
    // All or nothing: the new TATs are written only once every limit allowed the take.
    let i = 0;
    for (const c of checks) {
      for (const unit of UNITS) {
        if (limitOf(c.rule, unit)) this.#tat[unit].set(c.key, newTats[i++] as number);
      }
    }
    return { ok: true, ticket: { checks, tokens, done: false }, states };
  }

  /** Settles a ticket's tokens to `actualTokens`; `refundRequest` gives the request back too. */
  settle(ticket: RateTicket, actualTokens: number, refundRequest = false): void {
    if (ticket.done) return;
    ticket.done = true;
    const nowMs = this.#now();
    for (const c of ticket.checks) {
      const tl = limitOf(c.rule, 'tokens');
      if (tl && actualTokens !== ticket.tokens) this.#adjust('tokens', c.key, tl, actualTokens - ticket.tokens, nowMs);
      const rl = limitOf(c.rule, 'requests');
      if (rl && refundRequest) this.#adjust('requests', c.key, rl, -1, nowMs);
    }
  }

  /** Current state of one limit (for headers of calls that took nothing, and tests). */
  state(check: RateCheck, unit: 'requests' | 'tokens'): LimitState | undefined {
    const limit = limitOf(check.rule, unit);
    if (!limit) return undefined;
    const nowMs = this.#now();
    const tat = this.#tat[unit].get(check.key) ?? nowMs;
    return { rule: check.rule.name, unit, limit: limit.limit, remaining: gcraRemaining(limit, tat, nowMs), resetMs: Math.ceil(Math.max(0, tat - nowMs)) };
  }

  #adjust(unit: 'requests' | 'tokens', key: string, limit: GcraLimit, delta: number, nowMs: number): void {
    const tats = this.#tat[unit];
    tats.set(key, gcraAdjust(limit, tats.get(key) ?? nowMs, delta, nowMs));
  }

  #sweep(nowMs: number): void {
    for (const tats of Object.values(this.#tat)) for (const [k, tat] of tats) if (tat <= nowMs) tats.delete(k);
  }
}
