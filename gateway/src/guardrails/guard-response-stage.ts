import type { Stage } from '../pipeline/stage.js';
import type { RuleSet } from './compile-rules.js';
import { type GuardDeps, logFailures, scanEnvOf, subjectOf } from './guard-deps.js';
import { recordScan } from './record-hits.js';
import { replaceAnswer } from './response-json.js';
import { maskStream } from './response-stream.js';
import { scanTexts, scanTextsAtOnce } from './scan-texts.js';
import { responseSlots, writeSlots } from './text-slots.js';
import type { ModerationFailure } from './types.js';

/**
 * Response-side guardrails, inside the cache stage so cached answers are checked too.
 * JSON answers are scanned whole (a refusal replaces the answer with the configured
 * message); streams are masked incrementally with a bounded hold-back. External
 * moderation needs the whole text, so on streams it is skipped and the skip recorded.
 */
export const guardResponseStage = (deps: GuardDeps): Stage =>
  async function guardResponse(ctx, next) {
    const out = await next();
    const set = deps.compile(ctx.config.guardrails).ruleSet('response', subjectOf(ctx));
    if (set.empty) return out;
    if (out.kind === 'stream') {
      const skipped = streamSkips(set);
      return maskStream(out, set, deps.now, (r) => {
        recordScan(ctx, ctx.now(), r.elapsedMs, r.hits, skipped, r.rejected);
      });
    }
    if (out.status >= 400) return out;
    const started = deps.now();
    const slots = responseSlots(out.body);
    const texts = slots.map((s) => s.text);
    const budget = ctx.config.guardrails.scan;
    const result =
      scanTextsAtOnce(texts, set, budget) ??
      (await scanTexts(texts, set, budget, scanEnvOf(deps, 'response', { route: ctx.path, model: ctx.model, identity: ctx.identity }, () => ctx.signal)));
    recordScan(ctx, ctx.now(), deps.now() - started, result.hits, result.failures, result.rejected);
    logFailures(deps.logger, ctx.requestId, result.failures);
    if (result.rejected) return replaceAnswer(out, result.rejected);
    if (!result.changed) return out;
    return { ...out, body: writeSlots(out.body, slots, result.texts), raw: undefined };
  };

function streamSkips(set: RuleSet): ModerationFailure[] {
  return set.external.map((x) => ({ rule: x.rule.name, reason: 'skipped_on_stream', failMode: x.detector.onError }));
}
