import type { RateLimitRuleConfig } from '../config/sections/rate-limits.js';
import { gcraAdjust, gcraFits, gcraNextTat, gcraRemaining, gcraTake, type GcraLimit } from './gcra.js';

type Unit = 'requests' | 'tokens';

/** One rule applied to one caller: which GCRA states it draws on. */
export interface RateCheck {
  rule: RateLimitRuleConfig;
  /** The rule's name plus the values of its `per` dimensions. */
  key: string;
  /** This replica's GCRA limits (undefined for a unit it does not limit). */
  requests: GcraLimit | undefined;
  tokens: GcraLimit | undefined;
  /** Replicas the rule's limits are divided among (`rateLimits.replicas`). */
  replicas: number;
}

/** A replica's part of a limit divided among `replicas`: its even share rounded down, but at least 1. */
export const perReplica = (limit: number, replicas: number): number => Math.max(1, Math.floor(limit / replicas));

/** The check of `rule` for the caller whose dimension values make `key`, on one of `replicas`. */
export function rateCheck(rule: RateLimitRuleConfig, key: string, replicas = 1): RateCheck {
  return {
    rule,
    key,
    requests: rule.requests === undefined ? undefined : { limit: perReplica(rule.requests, replicas), periodMs: rule.periodMs },
    tokens: rule.tokens === undefined ? undefined : { limit: perReplica(rule.tokens, replicas), periodMs: rule.periodMs },
    replicas,
  };
}

/** How one limit (requests or tokens of one rule) stands after a take. */
export interface LimitState {
  rule: string;
  unit: Unit;
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
  readonly #requestTats = new Map<string, number>();
  readonly #tokenTats = new Map<string, number>();
  #takes = 0;

  constructor(opts: { now: () => number }) {
    this.#now = opts.now;
  }

  #tats(unit: Unit): Map<string, number> {
    return unit === 'requests' ? this.#requestTats : this.#tokenTats;
  }

  take(checks: readonly RateCheck[], requests: number, tokens: number): TakeResult {
    const nowMs = this.#now();
    if (++this.#takes % SWEEP_EVERY_TAKES === 0) this.#sweep(nowMs);
    // Sized up front: a pushed-to empty array grows a 17-slot store for its first element.
    let limits = 0;
    for (const c of checks) limits += (c.requests ? 1 : 0) + (c.tokens ? 1 : 0);
    const states = new Array<LimitState>(limits);
    let at = 0;
    let refusals: RateRefusal[] | undefined;
    for (const c of checks) {
      if (c.requests) refusals = this.#try(c, 'requests', c.requests, requests, nowMs, states, at++, refusals);
      if (c.tokens) refusals = this.#try(c, 'tokens', c.tokens, tokens, nowMs, states, at++, refusals);
    }
    if (refusals) return { ok: false, refusals, states };
    // All or nothing: the new TATs are written only once every limit allowed the take (the
    // same TATs `#try` computed: nothing ran in between).
    for (const c of checks) {
      if (c.requests) this.#requestTats.set(c.key, gcraNextTat(c.requests, this.#requestTats.get(c.key) ?? nowMs, requests, nowMs));
      if (c.tokens) this.#tokenTats.set(c.key, gcraNextTat(c.tokens, this.#tokenTats.get(c.key) ?? nowMs, tokens, nowMs));
    }
    return { ok: true, ticket: { checks, tokens, done: false }, states };
  }

  /** Checks one limit of a take (writing no TAT): its state goes to `states[at]`, a refusal to the list returned. */
  #try(c: RateCheck, unit: Unit, limit: GcraLimit, cost: number, nowMs: number, states: LimitState[], at: number, refusals: RateRefusal[] | undefined): RateRefusal[] | undefined {
    const tatMs = this.#tats(unit).get(c.key) ?? nowMs;
    const next = gcraNextTat(limit, tatMs, cost, nowMs);
    if (gcraFits(limit, next, nowMs)) {
      // The common case, without gcraTake's decision object.
      states[at] = { rule: c.rule.name, unit, limit: limit.limit, remaining: gcraRemaining(limit, next, nowMs), resetMs: Math.ceil(next - nowMs) };
      return refusals;
    }
    const d = gcraTake(limit, tatMs, cost, nowMs);
    const state: LimitState = { rule: c.rule.name, unit, limit: limit.limit, remaining: d.remaining, resetMs: d.resetMs };
    states[at] = state;
    (refusals ??= []).push({ ...state, retryAfterMs: d.retryAfterMs, needed: cost });
    return refusals;
  }

  /** Settles a ticket's tokens to `actualTokens`; `refundRequest` gives the request back too. */
  settle(ticket: RateTicket, actualTokens: number, refundRequest = false): void {
    if (ticket.done) return;
    ticket.done = true;
    const nowMs = this.#now();
    for (const c of ticket.checks) {
      if (c.tokens && actualTokens !== ticket.tokens) this.#adjust(this.#tokenTats, c.key, c.tokens, actualTokens - ticket.tokens, nowMs);
      if (c.requests && refundRequest) this.#adjust(this.#requestTats, c.key, c.requests, -1, nowMs);
    }
  }

  /** Current state of one limit (for headers of calls that took nothing, and tests). */
  state(check: RateCheck, unit: Unit): LimitState | undefined {
    const limit = check[unit];
    if (!limit) return undefined;
    const nowMs = this.#now();
    const tat = this.#tats(unit).get(check.key) ?? nowMs;
    return { rule: check.rule.name, unit, limit: limit.limit, remaining: gcraRemaining(limit, tat, nowMs), resetMs: Math.ceil(Math.max(0, tat - nowMs)) };
  }

  #adjust(tats: Map<string, number>, key: string, limit: GcraLimit, delta: number, nowMs: number): void {
    tats.set(key, gcraAdjust(limit, tats.get(key) ?? nowMs, delta, nowMs));
  }

  #sweep(nowMs: number): void {
    for (const tats of [this.#requestTats, this.#tokenTats]) for (const [k, tat] of tats) if (tat <= nowMs) tats.delete(k);
  }
}
