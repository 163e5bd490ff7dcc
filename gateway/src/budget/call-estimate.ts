import type { BudgetsSection } from '../config/sections/budgets.js';
import type { Config } from '../config/schema.js';
import { resolveModel } from '../routing/resolve-model.js';
import type { InputCount } from '../metering/input-count.js';
import { maxPrice, priceTableFor, type Price } from './pricing.js';
import { isReasoningModel } from './tokenizer-models.js';

/** Names a target is priced by, most specific first. */
export const priceNames = (provider: string, upstreamModel: string, clientModel: string): string[] => [`${provider}/${upstreamModel}`, upstreamModel, clientModel];

/**
 * The price a call is reserved at: the dearest of the targets its model may be served by
 * (failover can land on any of them). Undefined when some target has no price and no
 * default charge is configured.
 */
export function reservePrice(config: Config, model: string): Price | undefined {
  return memoized(reserved, config, model, () => computeReservePrice(config, model));
}

// Prices depend only on the config snapshot and the names: resolved once per snapshot.
const reserved = new WeakMap<Config, Map<string, Price | null>>();
const served = new WeakMap<Config, Map<string, Price | null>>();
const MAX_MEMO_KEYS = 4096;

function memoized(memo: WeakMap<Config, Map<string, Price | null>>, config: Config, key: string, compute: () => Price | undefined): Price | undefined {
  let m = memo.get(config);
  if (!m) {
    m = new Map();
    memo.set(config, m);
  }
  let p = m.get(key);
  if (p === undefined) {
    p = compute() ?? null;
    if (m.size >= MAX_MEMO_KEYS) m.clear();
    m.set(key, p);
  }
  return p ?? undefined;
}

function computeReservePrice(config: Config, model: string): Price | undefined {
  const table = priceTableFor(config.budgets.pricing);
  const resolved = resolveModel(config, model);
  if (!resolved) return table.lookup([model]) ?? table.fallback;
  let worst: Price | undefined;
  for (const t of resolved.targets) {
    const p = table.lookup(priceNames(t.provider, t.upstreamModel, model)) ?? table.fallback;
    if (!p) return undefined;
    worst = worst ? maxPrice(worst, p) : p;
  }
  return worst;
}

/** The price of the target that served a call (`provider/model` id), else undefined. */
export function servedPrice(config: Config, targetId: string | undefined, clientModel: string): Price | undefined {
  if (targetId === undefined) return undefined;
  return memoized(served, config, `${targetId}\u0000${clientModel}`, () => computeServedPrice(config, targetId, clientModel));
}

function computeServedPrice(config: Config, targetId: string, clientModel: string): Price | undefined {
  const slash = targetId.indexOf('/');
  if (slash <= 0) return undefined;
  const table = priceTableFor(config.budgets.pricing);
  return table.lookup(priceNames(targetId.slice(0, slash), targetId.slice(slash + 1), clientModel)) ?? table.fallback;
}

export interface CallEstimate {
  input: InputCount;
  /** 1 + `inputMarginPercent` / 100: what the held input is scaled by. */
  inputFactor: number;
  /** Output tokens reserved (0 when `reserveOutput` is off). */
  outputTokens: number;
  /** True when the output is bounded by what was reserved (a max the upstream honours). */
  outputCapped: boolean;
}

const maxTokensOf = (body: Record<string, unknown>): number | undefined => {
  const v = body.max_completion_tokens ?? body.max_tokens;
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : undefined;
};

/**
 * The worst case of a call: input tokens (plus the configured margin) and the output cap.
 * When the request sets no maximum and `injectOutputCap` is on, the default cap is written
 * into the body (so the upstream honours it and the reservation is a true bound).
 */
export function estimateCall(input: InputCount, body: Record<string, unknown>, operation: 'chat' | 'embeddings', model: string, section: BudgetsSection): CallEstimate {
  const inputFactor = 1 + section.inputMarginPercent / 100;
  if (operation === 'embeddings') return { input, inputFactor, outputTokens: 0, outputCapped: true };
  if (!section.reserveOutput) return { input, inputFactor, outputTokens: 0, outputCapped: false };
  const choices = typeof body.n === 'number' && body.n > 1 ? Math.floor(body.n) : 1;
  let max = maxTokensOf(body);
  let capped = max !== undefined;
  if (max === undefined) {
    max = section.defaultOutputCapTokens;
    if (section.injectOutputCap) {
      body[isReasoningModel(model) ? 'max_completion_tokens' : 'max_tokens'] = max;
      capped = true;
    }
  }
  return { input, inputFactor, outputTokens: max * choices, outputCapped: capped };
}

/** Input tokens to hold: the byte bound, or the exact count; both with `inputMarginPercent`. */
export const heldInputTokens = (est: CallEstimate, exact: boolean): number => Math.ceil((exact ? est.input.exact() : est.input.upperBound) * est.inputFactor);
