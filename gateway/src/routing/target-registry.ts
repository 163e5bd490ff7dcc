import type { RoutingSection } from '../config/sections/routing.js';
import { type BreakerConfig, type BreakerState, CLOSED_BREAKER, admit, onAbandoned, onFailure, onSuccess, peekAdmission } from './breaker.js';
import { EMPTY_EWMA, type PeakEwma, observeErrorEwma, observePeakEwma, readPeakEwma } from './ewma.js';
import { type QuotaDimension, type UpstreamHeaderMap, readQuotaHeaders, waitForUnitsMs } from './quota-headers.js';

/** Long-lived facts about one target (`provider/model`), shared by every group that uses it. */
export interface TargetHealth {
  breaker: BreakerState;
  /** Time to first token of streams, ms. */
  ttft: PeakEwma;
  /** Time to a whole JSON answer, ms. */
  jsonLatency: PeakEwma;
  errors: PeakEwma;
  inFlight: number;
  /** Benched until (429, Retry-After, no requests left) — skipped by every request meanwhile. */
  benchedUntilMs: number;
  benchReason: string;
  /** Last reported token quota, for "does this request still fit". */
  tokens: { dim: QuotaDimension; atMs: number } | undefined;
  lastUsedMs: number;
}

export type Unavailable = { reason: 'breaker_open' | 'breaker_probing' | 'quota_exhausted' | 'cooling_down'; untilMs: number };

/** Entries kept at most; idle, healthy ones are dropped first (clients may invent `prefix/*` model names). */
const MAX_TARGETS = 10_000;

/**
 * The tokens a request needs (input + requested max output): a bound from its UTF-8 bytes,
 * free, and the count (gpt-tokenizer, once per body), which costs ~23 µs per KB of text:
 * checks try the bound and count only when it does not clear them.
 */
export interface TokenNeed {
  atMost(): number;
  exact(): number;
}

/**
 * Health, latency and quota per target id, kept across config reloads (the router holds
 * one registry for its lifetime; each request brings its own config). Pure state
 * transitions live in `breaker.ts`, `ewma.ts` and `quota-headers.ts`; this is the map.
 */
export class TargetRegistry {
  private readonly map = new Map<string, TargetHealth>();
  /** Entries dropped to stay under the bound. */
  evicted = 0;

  /** The target's state, created on first use. */
  get(id: string, nowMs: number): TargetHealth {
    let h = this.map.get(id);
    if (!h) {
      h = { breaker: CLOSED_BREAKER, ttft: EMPTY_EWMA, jsonLatency: EMPTY_EWMA, errors: EMPTY_EWMA, inFlight: 0, benchedUntilMs: 0, benchReason: '', tokens: undefined, lastUsedMs: nowMs };
      this.map.set(id, h);
      if (this.map.size > MAX_TARGETS) this.evictIdle(id);
    }
    return h;
  }

  peek(id: string): Readonly<TargetHealth> | undefined {
    return this.map.get(id);
  }

  ids(): string[] {
    return [...this.map.keys()];
  }

  /** Why a target may not take a request now (without taking a probe slot), or undefined. */
  unavailable(id: string, cfg: RoutingSection, breaker: BreakerConfig, nowMs: number, need?: TokenNeed): Unavailable | undefined {
    const h = this.map.get(id);
    if (!h) return undefined;
    const b = peekAdmission(h.breaker, breaker, nowMs);
    if (b.open) return { reason: h.breaker.phase === 'half-open' ? 'breaker_probing' : 'breaker_open', untilMs: b.retryAtMs };
    if (!cfg.quota.enabled) return undefined;
    if (nowMs < h.benchedUntilMs) return { reason: h.benchReason === 'retry_after' ? 'cooling_down' : 'quota_exhausted', untilMs: h.benchedUntilMs };
    const tokens = h.tokens;
    if (tokens && need && nowMs < tokens.atMs + tokens.dim.resetMs) {
      const untilMs = (n: number) => tokens.atMs + waitForUnitsMs(tokens.dim, cfg.quota.minRemainingTokens, n);
      // The bound first: only a request it does not clear is counted.
      let until = untilMs(need.atMost());
      if (until > nowMs) until = untilMs(need.exact());
      if (until > nowMs) return { reason: 'quota_exhausted', untilMs: until };
    }
    return undefined;
  }

  /** Takes the breaker's admission for an attempt starting now; counts it in flight when admitted. */
  begin(id: string, breaker: BreakerConfig, nowMs: number): { admitted: true; probe: boolean } | { admitted: false; retryAtMs: number } {
    const h = this.get(id, nowMs);
    const a = admit(h.breaker, breaker, nowMs);
    h.breaker = a.state;
    if (a.admit === 'no') return { admitted: false, retryAtMs: a.retryAtMs };
    h.inFlight++;
    h.lastUsedMs = nowMs;
    return { admitted: true, probe: a.admit === 'probe' };
  }

  /** The attempt produced an answer (JSON) or a first token (stream) after `latencyMs`. */
  succeeded(id: string, kind: 'stream' | 'json', latencyMs: number, probe: boolean, cfg: RoutingSection, breaker: BreakerConfig, nowMs: number): void {
    const h = this.get(id, nowMs);
    const decay = cfg.leastLatency.decayMs;
    if (kind === 'stream') h.ttft = observePeakEwma(h.ttft, latencyMs, nowMs, decay);
    else h.jsonLatency = observePeakEwma(h.jsonLatency, latencyMs, nowMs, decay);
    h.errors = observeErrorEwma(h.errors, false, nowMs, decay);
    h.breaker = onSuccess(h.breaker, breaker, nowMs, probe);
  }

  /** The target answered, but with an error the client caused: alive, so it resets failure counts. */
  answeredClientError(id: string, probe: boolean, breaker: BreakerConfig, nowMs: number): void {
    const h = this.get(id, nowMs);
    h.breaker = onSuccess(h.breaker, breaker, nowMs, probe);
  }

  /** A failure that speaks about the target's health (5xx, connect, timeout, broken stream). */
  failed(id: string, probe: boolean, cfg: RoutingSection, breaker: BreakerConfig, nowMs: number): void {
    const h = this.get(id, nowMs);
    h.errors = observeErrorEwma(h.errors, true, nowMs, cfg.leastLatency.decayMs);
    h.breaker = onFailure(h.breaker, breaker, nowMs, probe);
  }

  /**
   * The attempt was abandoned (hedge lost, deadline, client gone) after `elapsedMs` without a
   * first token: no verdict on health, but the target was at least that slow this time.
   */
  abandoned(id: string, kind: 'stream' | 'json', elapsedMs: number | undefined, probe: boolean, cfg: RoutingSection, nowMs: number): void {
    const h = this.get(id, nowMs);
    h.breaker = onAbandoned(h.breaker, probe);
    if (elapsedMs === undefined) return;
    const decay = cfg.leastLatency.decayMs;
    const current = kind === 'stream' ? h.ttft : h.jsonLatency;
    if (elapsedMs > readPeakEwma(current, nowMs, decay)) {
      if (kind === 'stream') h.ttft = observePeakEwma(h.ttft, elapsedMs, nowMs, decay);
      else h.jsonLatency = observePeakEwma(h.jsonLatency, elapsedMs, nowMs, decay);
    }
  }

  /** The attempt is over (answer relayed, stream ended, failed): no longer in flight. */
  end(id: string): void {
    const h = this.map.get(id);
    if (h && h.inFlight > 0) h.inFlight--;
  }

  /** Benches a target for everyone until `untilMs` (429, a Retry-After, quota used up). */
  bench(id: string, untilMs: number, reason: 'rate_limited' | 'retry_after' | 'quota', nowMs: number): void {
    const h = this.get(id, nowMs);
    if (untilMs > h.benchedUntilMs) {
      h.benchedUntilMs = untilMs;
      h.benchReason = reason;
    }
  }

  /** Reads `x-ratelimit-*` from an answer: no requests left → benched until one is; tokens remembered. */
  observeQuota(id: string, headers: UpstreamHeaderMap, cfg: RoutingSection, nowMs: number): void {
    if (!cfg.quota.enabled) return;
    const q = readQuotaHeaders(headers);
    if (!q) return;
    const h = this.get(id, nowMs);
    if (q.requests && q.requests.remaining <= cfg.quota.minRemainingRequests) {
      const waitMs = Math.min(cfg.quota.maxCooldownMs, waitForUnitsMs(q.requests, cfg.quota.minRemainingRequests));
      this.bench(id, nowMs + waitMs, 'quota', nowMs);
    }
    if (q.tokens) h.tokens = { dim: { ...q.tokens, resetMs: Math.min(q.tokens.resetMs, cfg.quota.maxCooldownMs) }, atMs: nowMs };
  }

  /** Latency estimate (ms) for least-latency: TTFT for streams, whole answer for JSON, the other if unsampled. */
  latencyMs(id: string, stream: boolean, decayMs: number, nowMs: number): number {
    const h = this.map.get(id);
    if (!h) return 0;
    const [first, second] = stream ? [h.ttft, h.jsonLatency] : [h.jsonLatency, h.ttft];
    return readPeakEwma(first.samples > 0 ? first : second, nowMs, decayMs);
  }

  errorRate(id: string, decayMs: number, nowMs: number): number {
    const h = this.map.get(id);
    return h ? readPeakEwma(h.errors, nowMs, decayMs) : 0;
  }

  private evictIdle(keep: string): void {
    for (const [id, h] of this.map) {
      if (this.map.size <= MAX_TARGETS * 0.9) break;
      if (id !== keep && h.inFlight === 0 && h.breaker.phase === 'closed') {
        this.map.delete(id);
        this.evicted++;
      }
    }
  }
}
