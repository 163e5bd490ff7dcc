import { GatewayError } from '../errors.js';
import { countTextTokens } from '../metering/count-tokens.js';
import type { ChatChunk } from '../pipeline/outcome.js';
import type { BudgetLedger, Refusal, Reservation } from './ledger.js';
import { costMicroUsd, type Price } from './pricing.js';

export interface StreamBudgetOptions {
  ledger: BudgetLedger;
  reservation: Reservation;
  /** Price the hold grows at (the reservation's price). */
  price: Price | undefined;
  /** The exact input count (counted on first use), for holds that must grow. */
  exactInputTokens: () => number;
  /** Output tokens already covered by the reservation; beyond them the hold must grow. */
  reservedOutputTokens: number;
  /** Builds the error that ends the stream when the hold cannot grow. */
  cutError: (refusals: Refusal[]) => GatewayError;
}

/** What a guarded stream saw, read when it has ended. */
export interface StreamTally {
  /** Output tokens counted from the deltas (including a chunk withheld at the cut). */
  outputTokens(): number;
  /** The error the stream was cut with, if it was. */
  readonly cut: GatewayError | undefined;
}

/** Text a chunk adds to the output: content, refusals, reasoning and tool-call arguments. */
function deltaText(c: ChatChunk): string {
  let s = '';
  for (const ch of c.choices ?? []) {
    const d = ch.delta;
    if (!d) continue;
    if (typeof d.content === 'string') s += d.content;
    if (typeof d.refusal === 'string') s += d.refusal;
    if (typeof d.reasoning_content === 'string') s += d.reasoning_content;
    if (Array.isArray(d.tool_calls)) {
      for (const tc of d.tool_calls as Array<{ function?: { name?: unknown; arguments?: unknown } }>) {
        if (typeof tc?.function?.name === 'string') s += tc.function.name;
        if (typeof tc?.function?.arguments === 'string') s += tc.function.arguments;
      }
    }
  }
  return s;
}

/**
 * Meters a stream against its reservation as tokens arrive. While the output stays within
 * what was reserved nothing is counted (text is kept and counted once, lazily). Past that —
 * only possible when no output cap was reserved — every chunk grows the hold first; if a
 * budget cannot take it, the chunk is withheld and the stream ends with GW_BUDGET_EXCEEDED
 * (the relay turns it into a terminal SSE error event). Tokens generated are still charged.
 */
export function guardStream(source: AsyncIterable<ChatChunk>, opts: StreamBudgetOptions): { chunks: AsyncIterable<ChatChunk>; tally: StreamTally } {
  let counted = 0;
  let pending = '';
  let pendingBytesUpper = 0;
  let cut: GatewayError | undefined;

  const flush = () => {
    if (pending !== '') counted += countTextTokens(pending);
    pending = '';
    pendingBytesUpper = 0;
  };

  const fits = (): boolean => {
    // A BPE token is at least one UTF-8 byte, so UTF-16 length × 3 bounds the tokens pending.
    if (counted + pendingBytesUpper <= opts.reservedOutputTokens) return true;
    flush();
    // Past the reserved output: the hold must cover the exact input plus what was generated.
    const input = opts.exactInputTokens();
    const need = { tokens: input + counted, costMicroUsd: opts.price ? costMicroUsd(opts.price, { inputTokens: input, cachedInputTokens: 0, outputTokens: counted }) : 0 };
    const held = opts.reservation.amount;
    const extra = { tokens: Math.max(0, need.tokens - held.tokens), costMicroUsd: Math.max(0, need.costMicroUsd - held.costMicroUsd) };
    if (extra.tokens === 0 && extra.costMicroUsd === 0) return true;
    const refusals = opts.ledger.extend(opts.reservation, extra);
    if (refusals.length === 0) return true;
    cut = opts.cutError(refusals);
    return false;
  };

  async function* guarded(): AsyncGenerator<ChatChunk> {
    for await (const c of source) {
      const text = deltaText(c);
      if (text !== '') {
        pending += text;
        pendingBytesUpper += text.length * 3;
        if (!fits()) throw cut;
      }
      yield c;
    }
  }

  return {
    chunks: guarded(),
    tally: {
      outputTokens: () => {
        flush();
        return counted;
      },
      get cut() {
        return cut;
      },
    },
  };
}
