import type { Config } from '../config/schema.js';
import { costMicroUsd, priceTableFor, reservePrice } from '../budget/index.js';
import type { CachedAnswer } from './cached-answer.js';

/**
 * What answering from the cache saved, in micro-USD: the original usage at the price of the
 * target that produced the answer (from the budgets price table, as budgets charge it),
 * else at the dearest price of the model's targets. Undefined when the model has no price:
 * an unknown saving is not reported as zero.
 */
export function savedMicroUsd(config: Config, answer: CachedAnswer, clientModel: string): number | undefined {
  const table = priceTableFor(config.budgets.pricing);
  let price = undefined;
  const served = answer.servedBy;
  const slash = served?.indexOf('/') ?? -1;
  if (served !== undefined && slash > 0) {
    price = table.lookup([served, served.slice(slash + 1), clientModel]) ?? table.fallback;
  }
  price ??= reservePrice(config, clientModel);
  return price ? costMicroUsd(price, answer.usage) : undefined;
}
