import { z } from 'zod';
import type { Dispatcher } from 'undici';
import type { GuardrailRule } from '../config/sections/guardrails.js';
import type { SecretRef } from '../config/secret-ref.js';
import type { Identity } from '../pipeline/context.js';
import { type ReplaceSpan, joinTexts, splitSpans } from './apply-spans.js';
import type { ExternalDetector } from './compile-rules.js';
import { postJson } from './moderation-http.js';
import type { Direction, Hit, ModerationFailure, Rejection } from './types.js';

/** What the caller gets when moderation is down and the rule fails closed. */
export const FAIL_CLOSED_MESSAGE = 'Rejected: the content could not be checked (moderation unavailable)';

export interface ExternalEnv {
  direction: Direction;
  route: string;
  model?: string;
  identity?: Identity;
  /** The caller's abort signal, asked for only when a call is made (request contexts create it on first use). */
  signalOf?: () => AbortSignal | undefined;
  /** Resolves API keys / tokens (memoised per config by the caller); absent = none. */
  resolveSecret?: (ref: SecretRef) => string | undefined;
  dispatcher?: Dispatcher;
}

export interface ExternalVerdict {
  hits: Hit[];
  rejected?: Rejection;
  /** Spans to mask, per input text (webhook `mask`). */
  masks?: ReplaceSpan[][];
  failure?: ModerationFailure;
}

const WebhookAnswerSchema = z.discriminatedUnion('action', [
  z.looseObject({ action: z.literal('allow') }),
  z.looseObject({
    action: z.literal('mask'),
    spans: z
      .array(z.looseObject({ start: z.number().int().min(0), end: z.number().int().min(0), label: z.string().max(64).optional() }))
      .max(10_000),
  }),
  z.looseObject({ action: z.literal('reject'), message: z.string().max(1_000).optional() }),
]);

const OpenAiModerationSchema = z.looseObject({
  results: z.array(
    z.looseObject({
      flagged: z.boolean(),
      categories: z.record(z.string(), z.boolean().nullable()).default({}),
      category_scores: z.record(z.string(), z.number()).default({}),
    }),
  ),
});

/** Webhook texts are joined with a blank line; spans refer to the joined text. */
const SEPARATOR = '\n\n';
const LABEL = /^[A-Z0-9_]{1,40}$/;

/** Runs one external moderation rule over all texts. Never throws. */
export async function moderate(
  rule: GuardrailRule,
  detector: ExternalDetector,
  shadow: boolean,
  texts: readonly string[],
  env: ExternalEnv,
): Promise<ExternalVerdict> {
  const action = shadow ? 'log' : 'reject';
  const hit = (entity: string, count = 1): Hit => ({ rule: rule.name, entity, detector: detector.type, direction: env.direction, action, count });
  const fail = (reason: string): ExternalVerdict => {
    const failure: ModerationFailure = { rule: rule.name, reason, failMode: detector.onError };
    const closed = detector.onError === 'closed' && !shadow;
    return { hits: [], failure, rejected: closed ? { rule: rule.name, message: FAIL_CLOSED_MESSAGE, failClosed: true } : undefined };
  };

  if (detector.type === 'openai-moderation') {
    const key = env.resolveSecret?.(detector.apiKey);
    if (key === undefined) return fail('missing_api_key');
    const res = await postJson(`${detector.baseUrl.replace(/\/+$/, '')}/moderations`, { model: detector.model, input: texts }, {
      headers: { authorization: `Bearer ${key}` },
      timeoutMs: detector.timeoutMs,
      signal: env.signalOf?.(),
      dispatcher: env.dispatcher,
    });
    if (!res.ok) return fail(res.reason);
    const parsed = OpenAiModerationSchema.safeParse(res.body);
    if (!parsed.success || parsed.data.results.length !== texts.length) return fail('bad_response');
    const counts = new Map<string, number>();
    for (const r of parsed.data.results) {
      for (const c of flaggedCategories(r, detector)) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    if (counts.size === 0) return { hits: [] };
    const hits = [...counts].map(([c, n]) => hit(c, n));
    return { hits, rejected: shadow ? undefined : { rule: rule.name, message: rule.message } };
  }

  const { joined, offsets } = joinTexts(texts, SEPARATOR);
  const token = detector.bearerToken ? env.resolveSecret?.(detector.bearerToken) : undefined;
  if (detector.bearerToken && token === undefined) return fail('missing_token');
  const identity = env.identity ? { agent: env.identity.agent, team: env.identity.team, keyId: env.identity.keyId, method: env.identity.method } : undefined;
  const res = await postJson(detector.url, { text: joined, direction: env.direction, identity, route: env.route, model: env.model }, {
    headers: { ...detector.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    timeoutMs: detector.timeoutMs,
    signal: env.signalOf?.(),
    dispatcher: env.dispatcher,
  });
  if (!res.ok) return fail(res.reason);
  const parsed = WebhookAnswerSchema.safeParse(res.body);
  if (!parsed.success) return fail('bad_response');
  const answer = parsed.data;
  if (answer.action === 'allow') return { hits: [] };
  if (answer.action === 'reject') {
    const message = answer.message !== undefined && answer.message.trim() !== '' ? answer.message : rule.message;
    return { hits: [hit('REJECTED')], rejected: shadow ? undefined : { rule: rule.name, message } };
  }
  if (answer.spans.some((s) => s.end <= s.start || s.end > joined.length)) return fail('bad_response');
  if (answer.spans.length === 0) return { hits: [] };
  const labels = new Map<string, number>();
  const spans = answer.spans.map((s) => {
    const label = s.label !== undefined && LABEL.test(s.label.toUpperCase()) ? s.label.toUpperCase() : 'REDACTED';
    labels.set(label, (labels.get(label) ?? 0) + 1);
    return { start: s.start, end: s.end, replacement: rule.replacement ?? `[${label}]` };
  });
  const hits = [...labels].map(([l, n]) => ({ ...hit(l, n), action: shadow ? ('log' as const) : ('mask' as const) }));
  return { hits, masks: shadow ? undefined : splitSpans(texts, offsets, spans) };
}

function flaggedCategories(
  r: { flagged: boolean; categories: Record<string, boolean | null>; category_scores: Record<string, number> },
  d: Extract<ExternalDetector, { type: 'openai-moderation' }>,
): string[] {
  const hit =
    d.minScore !== undefined
      ? Object.entries(r.category_scores).filter(([, s]) => s >= (d.minScore as number)).map(([c]) => c)
      : Object.entries(r.categories).filter(([, v]) => v === true).map(([c]) => c);
  return d.categories.length > 0 ? hit.filter((c) => d.categories.includes(c)) : hit;
}
