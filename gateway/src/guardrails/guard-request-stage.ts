import type { Stage } from '../pipeline/stage.js';
import { type GuardDeps, logFailures, rejectionError, scanEnvOf, subjectOf } from './guard-deps.js';
import { recordScan } from './record-hits.js';
import { scanTexts, scanTextsAtOnce } from './scan-texts.js';
import { historySlotCount, requestSlots, writeSlots } from './text-slots.js';

/**
 * Request-side guardrails: scans message text (string or text parts), tool-call arguments
 * and embedding inputs before anything leaves the gateway. Masks rewrite `ctx.body`; a
 * refusal throws GW_GUARDRAIL_REJECTED (400) before limits run, so it costs no quota.
 * Texts before the last message are scanned once per rule set and then remembered
 * (`guardrails.scan.memoBytes`): an agent's next step finds them as they were.
 */
export const guardRequestStage = (deps: GuardDeps): Stage =>
  async function guardRequest(ctx, next) {
    const section = ctx.config.guardrails;
    const set = deps.compile(section).ruleSet('request', subjectOf(ctx));
    if (set.empty) return next();
    const started = deps.now();
    const slots = requestSlots(ctx.body, deps.isTemplateMessage);
    const texts = slots.map((s) => s.text);
    // The history is looked up in (and added to) the rule set's memo; the last message is new.
    const history = set.memo === undefined ? 0 : historySlotCount(ctx.body, slots);
    const result =
      scanTextsAtOnce(texts, set, section.scan, history) ??
      (await scanTexts(texts, set, section.scan, scanEnvOf(deps, 'request', { route: ctx.path, model: ctx.model, identity: ctx.identity }, () => ctx.signal), history));
    // One clock read when the request's clock is the guardrails' (as in the gateway).
    const ended = deps.now();
    recordScan(ctx, ctx.now === deps.now ? ended : ctx.now(), ended - started, result.hits, result.failures, result.rejected);
    logFailures(deps.logger, ctx.requestId, result.failures);
    if (result.rejected) throw rejectionError(result.rejected);
    if (result.changed) ctx.body = writeSlots(ctx.body, slots, result.texts);
    return next();
  };
