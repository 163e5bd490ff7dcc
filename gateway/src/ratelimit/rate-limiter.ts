import type { RateLimitRuleConfig } from '../config/sections/rate-limits.js';
import { gcraAdjust, gcraRemaining, gcraTake, type GcraLimit } from './gcra.js';

/** One rule applied to one caller: which GCRA states it draws on. */
export interface RateCheck {
  rule: RateLimitRuleConfig;
  /** The rule's name plus the values of its `per` dimensions. */
  key: string;
}

const stateKey = (unit: 'requests' | 'tokens', c: RateCheck): string => `${unit}\u0000${c.key}`;

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
const reqLimit = (r: RateLimitRuleConfig): GcraLimit | undefined => limits(r).requests;
const tokLimit = (r: RateLimitRuleConfig): GcraLimit | undefined => limits(r).tokens;

// Idle keys are dropped once their bucket is full again; sweep at most this often.
const SWEEP_EVERY_TAKES = 10_000;

/**
 * Request and token rate limits with GCRA, per replica, clock injected. A take is all or
 * nothing across every rule that applies; token takes are settled to actual usage later.
 */
export class RateLimiter {
  readonly #now: () => number;
  readonly #tat = new Map<string, number>();
  #takes = 0;

  constructor(opts: { now: () => number }) {
    this.#now = opts.now;
  }

  take(checks: readonly RateCheck[], requests: number, tokens: number): TakeResult {
    const nowMs = this.#now();
    if (++this.#takes % SWEEP_EVERY_TAKES === 0) this.#sweep(nowMs);
    const pending: Array<[string, number]> = [];
    const states: LimitState[] = [];
    const refusals: RateRefusal[] = [];
    const takeOne = (c: RateCheck, unit: 'requests' | 'tokens', limit: GcraLimit, cost: number) => {
      const k = stateKey(unit, c);
      const d = gcraTake(limit, this.#tat.get(k) ?? nowMs, cost, nowMs);
      const state: LimitState = { rule: c.rule.name, unit, limit: limit.limit, remaining: d.remaining, resetMs: d.resetMs };
      states.push(state);
      if (d.allowed) pending.push([k, d.tatMs]);
      else refusals.push({ ...state, retryAfterMs: d.retryAfterMs, needed: cost });
    };
    for (const c of checks) {
      const rl = reqLimit(c.rule);
      if (rl) takeOne(c, 'requests', rl, requests);
      const tl = tokLimit(c.rule);
      if (tl) takeOne(c, 'tokens', tl, tokens);
    }
    if (refusals.length > 0) return { ok: false, refusals, states };
    for (const [k, tat] of pending) this.#tat.set(k, tat);
    return { ok: true, ticket: { checks: [...checks], tokens, done: false }, states };
  }

  /** Settles a ticket's tokens to `actualTokens`; `refundRequest` gives the request back too. */
  settle(ticket: RateTicket, actualTokens: number, refundRequest = false): void {
    if (ticket.done) return;
    ticket.done = true;
    const nowMs = this.#now();
    for (const c of ticket.checks) {
      const tl = tokLimit(c.rule);
      if (tl && actualTokens !== ticket.tokens) this.#adjust(stateKey('tokens', c), tl, actualTokens - ticket.tokens, nowMs);
      const rl = reqLimit(c.rule);
      if (rl && refundRequest) this.#adjust(stateKey('requests', c), rl, -1, nowMs);
    }
  }

  /** Current state of one limit (for headers of calls that took nothing, and tests). */
  state(check: RateCheck, unit: 'requests' | 'tokens'): LimitState | undefined {
    const limit = unit === 'requests' ? reqLimit(check.rule) : tokLimit(check.rule);
    if (!limit) return undefined;
    const nowMs = this.#now();
    const tat = this.#tat.get(stateKey(unit, check)) ?? nowMs;
    return { rule: check.rule.name, unit, limit: limit.limit, remaining: gcraRemaining(limit, tat, nowMs), resetMs: Math.ceil(Math.max(0, tat - nowMs)) };
  }

  #adjust(k: string, limit: GcraLimit, delta: number, nowMs: number): void {
    this.#tat.set(k, gcraAdjust(limit, this.#tat.get(k) ?? nowMs, delta, nowMs));
  }

  #sweep(nowMs: number): void {
    for (const [k, tat] of this.#tat) if (tat <= nowMs) this.#tat.delete(k);
  }
}
