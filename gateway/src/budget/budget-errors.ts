import { GatewayError } from '../errors.js';
import type { Refusal } from './ledger.js';
import type { WindowSpec } from './windows.js';

/** Integer micro-USD as a USD string with 6 decimals (exact, no float rounding). */
export function formatUsd(microUsd: number): string {
  if (!Number.isFinite(microUsd)) return microUsd < 0 ? '-∞' : '∞';
  const sign = microUsd < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(microUsd));
  return `${sign}${Math.floor(abs / 1_000_000)}.${String(abs % 1_000_000).padStart(6, '0')}`;
}

export function describeWindow(w: WindowSpec): string {
  if (w.kind === 'rolling') return `rolling ${Math.round(w.durationMs / 60_000)} min`;
  return w.timeZone === 'UTC' ? w.unit : `${w.unit}, ${w.timeZone}`;
}

const fmt = (unit: Refusal['unit'], n: number) => (unit === 'usd' ? `${formatUsd(n)} USD` : `${n} tokens`);

// SDKs (openai-node, openai-python) retry 429s unless told not to; a budget that resets in
// more than a minute would only be hammered.
const SDK_RETRY_HORIZON_MS = 60_000;

/**
 * The 429 for a reservation that did not fit: names the budget (the one that frees up last)
 * and when it resets; `Retry-After` points there. A call larger than the whole budget says so.
 */
export function budgetExceededError(refusals: readonly Refusal[], nowMs: number): GatewayError {
  const never = refusals.find((r) => r.fitsAtMs === undefined);
  const worst = never ?? [...refusals].sort((a, b) => (b.fitsAtMs ?? 0) - (a.fitsAtMs ?? 0))[0];
  const { ref, unit } = worst;
  const who = ref.subject === 'global' ? '' : ` for ${ref.subject.replace(':', ' ')}`;
  const used = `${fmt(unit, worst.spent)} of ${fmt(unit, worst.limit)} used${worst.reserved > 0 ? ` (${fmt(unit, worst.reserved)} held by calls in flight)` : ''}`;
  const share = worst.replicaShare;
  const budget = `Budget "${ref.name}"${who} (${describeWindow(ref.window)})`;
  const needs = `this call needs up to ${fmt(unit, worst.needed)}.`;
  let message = share
    ? `${budget}: ${used}, and this gateway's share of what is left until its next store sync (1 of ${share.replicas} replicas) has ${fmt(unit, share.left)}; ${needs}`
    : `${budget} exceeded: ${used}; ${needs}`;
  if (worst.fitsAtMs === undefined) {
    message += ' That is more than the whole budget: lower max_tokens or shorten the prompt.';
    return new GatewayError('GW_BUDGET_EXCEEDED', message, { headers: { 'x-should-retry': 'false' } });
  }
  const retryAfterMs = Math.max(0, worst.fitsAtMs - nowMs);
  const when = new Date(worst.fitsAtMs).toISOString();
  if (share) message += ` The share renews at ${when}.`;
  else message += ref.window.kind === 'calendar' ? ` It resets at ${when}.` : ` Enough of it frees up at ${when}.`;
  const headers: Record<string, string> = retryAfterMs > SDK_RETRY_HORIZON_MS ? { 'x-should-retry': 'false' } : {};
  return new GatewayError('GW_BUDGET_EXCEEDED', message, { retryAfterMs, headers });
}
