import type { JsonOutcome } from '../pipeline/outcome.js';
import type { Rejection } from './types.js';

type Obj = Record<string, unknown>;

/**
 * The answer a response-side refusal leaves: every choice carries the operator's message
 * instead of the model's, with finish_reason `content_filter` (OpenAI's own signal for
 * filtered output). `raw` is dropped because the body no longer matches the upstream bytes.
 */
export function replaceAnswer(out: JsonOutcome, rejected: Rejection): JsonOutcome {
  const choices = Array.isArray(out.body.choices) ? (out.body.choices as unknown[]) : [];
  const replaced = choices.map((c, i) => {
    const choice = (typeof c === 'object' && c !== null ? c : { index: i }) as Obj;
    if (typeof choice.text === 'string') return { ...choice, text: rejected.message, finish_reason: 'content_filter' };
    return {
      ...choice,
      message: { role: 'assistant', content: rejected.message, refusal: null },
      finish_reason: 'content_filter',
    };
  });
  return { ...out, body: { ...out.body, choices: replaced }, raw: undefined };
}
