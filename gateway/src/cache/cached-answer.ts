import { z } from 'zod';
import type { Usage } from '../pipeline/context.js';

/**
 * A cached answer, independent of how it was first delivered (JSON or a stream): the
 * choices as complete messages, the original usage (for reference and for the cost the
 * hit saved) and the target that produced it. Stored as JSON in both tiers; read back
 * through `StoredAnswerSchema`, so a damaged entry is dropped rather than served.
 */
const ChoiceSchema = z.object({
  index: z.number().int().nonnegative(),
  message: z.looseObject({ role: z.string() }),
  finish_reason: z.string(),
  logprobs: z.unknown().optional(),
});

const UsageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cachedInputTokens: z.number().int().nonnegative(),
  estimated: z.boolean(),
});

export const StoredAnswerSchema = z.object({
  v: z.literal(1),
  id: z.string(),
  model: z.string(),
  created: z.number(),
  systemFingerprint: z.string().optional(),
  choices: z.array(ChoiceSchema).min(1).max(128),
  usage: UsageSchema,
  /** `provider/upstreamModel` that produced the answer (prices `sluice.cache.saved`). */
  servedBy: z.string().optional(),
});
export type CachedAnswer = z.infer<typeof StoredAnswerSchema>;
export type CachedChoice = CachedAnswer['choices'][number];

/** Parses a stored answer; undefined when it is not one (corrupted, truncated, old format). */
export function parseStoredAnswer(json: string): CachedAnswer | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  const r = StoredAnswerSchema.safeParse(raw);
  return r.success ? r.data : undefined;
}

/** A cached answer from a JSON `chat.completion` body, or undefined when it has no choices to keep. */
export function answerFromJsonBody(body: Record<string, unknown>, usage: Usage, servedBy: string | undefined): CachedAnswer | undefined {
  const choices = Array.isArray(body.choices) ? body.choices : [];
  const draft = {
    v: 1 as const,
    id: typeof body.id === 'string' ? body.id : '',
    model: typeof body.model === 'string' ? body.model : '',
    created: typeof body.created === 'number' ? body.created : 0,
    systemFingerprint: typeof body.system_fingerprint === 'string' ? body.system_fingerprint : undefined,
    choices: choices.map((c: { index?: unknown; message?: unknown; finish_reason?: unknown; logprobs?: unknown }, i: number) => ({
      index: typeof c?.index === 'number' ? c.index : i,
      message: c?.message,
      finish_reason: c?.finish_reason,
      ...(c?.logprobs !== undefined && c?.logprobs !== null ? { logprobs: c.logprobs } : {}),
    })),
    usage,
    servedBy,
  };
  const r = StoredAnswerSchema.safeParse(draft);
  return r.success ? r.data : undefined;
}

/**
 * Why an answer must not be cached, or undefined when it may: every choice must have
 * finished normally (`stop`, `tool_calls` by default — never `length`, `content_filter`).
 */
export function notCacheableReason(answer: CachedAnswer, cacheableFinishReasons: readonly string[]): string | undefined {
  for (const c of answer.choices) {
    if (!cacheableFinishReasons.includes(c.finish_reason)) return `finish_reason_${c.finish_reason || 'missing'}`;
  }
  return undefined;
}
