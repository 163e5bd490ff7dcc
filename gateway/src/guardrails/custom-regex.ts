import type { Pattern } from './pattern.js';
import { analyzeRegex } from './regex-analysis.js';
import { regexPattern } from './regex-pattern.js';

/**
 * Operator regexes, checked once at config load. A regex on the request path must not be
 * able to stall the event loop, and a streamed answer must be maskable with bounded
 * hold-back, so patterns are refused (with the reason) when they:
 * - do not compile, or use inline modifier groups;
 * - nest quantifiers (`(a+)+`), repeat ambiguous alternations (`(a|ab){1,9}`) or use
 *   backreferences: the classic catastrophic-backtracking shapes;
 * - can match empty text, or unbounded text (`+`, `*`, `{n,}`: write `{1,64}`);
 * - need more look-ahead than the stream hold-back cap;
 * - anchor to the whole text (`^`/`$` without `m`), which a stream never has.
 * What remains runs in linear time per start position, bounded by the pattern's reach.
 */
export function customRegexPattern(entity: string, source: string, flags: string, maxHoldBackChars: number): Pattern {
  try {
    new RegExp(source, `${flags}g`);
  } catch (err) {
    throw new Error(`does not compile: ${(err as Error).message}`);
  }
  let analysis;
  try {
    analysis = analyzeRegex(source, flags);
  } catch (err) {
    throw new Error(`refused: ${(err as Error).message}`);
  }
  const { reach, problems } = analysis;
  if (problems.length > 0) throw new Error(`refused: ${problems.join('; ')}`);
  if (analysis.textAnchors) throw new Error('refused: ^ and $ without the m flag anchor to the whole text, which a stream never has; use \\b or the m flag');
  if (reach.minLen === 0) throw new Error('refused: the pattern can match empty text');
  if (!Number.isFinite(reach.maxLen)) {
    throw new Error('refused: the pattern can match unbounded text (+, * or {n,}); bound the repetition, e.g. {1,64}, so streams can be masked with a bounded hold-back');
  }
  if (!Number.isFinite(reach.behindChars)) throw new Error('refused: unbounded lookbehind');
  const decide = reach.maxLen + reach.aheadChars;
  if (decide > maxHoldBackChars) {
    throw new Error(`refused: a match may need ${decide} characters, more than guardrails.stream.maxHoldBackChars (${maxHoldBackChars})`);
  }
  return regexPattern({ entity, detector: 'regex', source, flags });
}
