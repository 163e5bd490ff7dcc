import { countTokens } from 'gpt-tokenizer';
import { createRng } from '../sim/random.js';

/**
 * Prompts of a given token length, for replays: recorded traffic keeps token counts, not
 * text. Words are single o200k tokens with a leading space, so the text has exactly the
 * asked number of tokens (checked, and corrected, with gpt-tokenizer).
 */

const WORDS = `time year people way day thing world life hand part child place case week company system program
question work number night point home water room mother area money story fact month lot right study book eye job
word business issue side kind head house service friend father power hour game line end member law car city team
minute idea body information back parent face others level office door health person art war history party result
change morning reason research girl guy moment air teacher force education`.split(/\s+/).filter((w) => countTokens(` ${w}`) === 1);

/** OpenAI's chat accounting for one user message: 3 framing + "user" + 3 reply priming. */
export const SINGLE_MESSAGE_OVERHEAD_TOKENS = 7;

const cache = new Map<string, string>();
const MAX_CACHE = 2_000;

/** Text of exactly `tokens` o200k tokens (at least 1), the same for the same seed. */
export function textOfTokens(tokens: number, seed: number): string {
  const n = Math.max(1, Math.floor(tokens));
  const key = `${n}:${seed}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const rng = createRng(seed);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(WORDS[Math.floor(rng() * WORDS.length)] ?? 'time');
  let text = `${words.join(' ')}`;
  // Merges across words are rare but possible: trim or pad, a bounded number of times.
  for (let i = 0; i < 32; i++) {
    const count = countTokens(text);
    if (count === n) break;
    text = count > n ? text.slice(0, text.lastIndexOf(' ')) : `${text} time`;
  }
  if (cache.size >= MAX_CACHE) cache.clear();
  cache.set(key, text);
  return text;
}

/** Content of a single user message that makes a call of `promptTokens` prompt tokens. */
export function userMessageOfPromptTokens(promptTokens: number, seed: number): string {
  return textOfTokens(promptTokens - SINGLE_MESSAGE_OVERHEAD_TOKENS, seed);
}
