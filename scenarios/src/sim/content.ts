import { countTokens } from 'gpt-tokenizer';
import type { Rng } from './random.js';

/**
 * Deterministic answer text. Words come from a fixed vocabulary in which every form the text
 * uses (" word", " Word", "Word", ".") is exactly one o200k token, so the answer is built
 * one token at a time: piece i of the stream is token i, and `completion_tokens` equals the
 * number of pieces — which the tests check against gpt-tokenizer on the joined text.
 */

const CANDIDATE_WORDS = `the of and to in is that for it as with was on be by this are from or at an which have not
but all were can their has more one its also will they about some time these would two other been into when many only
first new so them than may most over after used such where made out part later well during those between while both
state system city through world because high each water year very same still since three people work form several
although early large use often important around great common number public however known program company original
without found local general group school including music series team country family area war government history place
game life end law service power development human long support process point level model data value design result
change order report view question answer policy return device river light market energy science health field plan
course client server network request token stream agent tool budget cache trace signal record`;

const capitalize = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/** Words kept only if all their forms are single tokens; checked once at load. */
export const VOCABULARY: readonly string[] = [...new Set(CANDIDATE_WORDS.split(/\s+/))].filter(
  (word) => countTokens(` ${word}`) === 1 && countTokens(` ${capitalize(word)}`) === 1 && countTokens(capitalize(word)) === 1,
);

const MIN_SENTENCE_WORDS = 5;
const MAX_SENTENCE_WORDS = 14;

/**
 * Exactly `tokenCount` pieces of text, each one token, forming sentences. The same rng
 * state gives the same pieces, whatever the caller later does with them.
 */
export function generatePieces(rng: Rng, tokenCount: number): string[] {
  const pieces: string[] = [];
  let wordsLeftInSentence = 0;
  let wordsInSentence = 0;
  while (pieces.length < tokenCount) {
    const isLast = pieces.length === tokenCount - 1;
    // Close the sentence when it is long enough, or end the whole answer on a full stop.
    if ((wordsLeftInSentence === 0 && wordsInSentence > 0) || (isLast && wordsInSentence >= 2)) {
      pieces.push('.');
      wordsInSentence = 0;
      continue;
    }
    if (wordsInSentence === 0) {
      wordsLeftInSentence = MIN_SENTENCE_WORDS + Math.floor(rng() * (MAX_SENTENCE_WORDS - MIN_SENTENCE_WORDS + 1));
    }
    const word = VOCABULARY[Math.floor(rng() * VOCABULARY.length)] ?? 'the';
    const form = wordsInSentence === 0 ? capitalize(word) : word;
    pieces.push(pieces.length === 0 ? form : ` ${form}`);
    wordsInSentence += 1;
    wordsLeftInSentence -= 1;
  }
  return pieces;
}
