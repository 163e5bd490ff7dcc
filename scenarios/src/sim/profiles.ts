import { z } from 'zod';
import { DistributionSchema } from './random.js';

/**
 * Latency and length profiles. A profile says how long the first token takes, how long each
 * further token takes and how many tokens an answer has; each is a distribution sampled with
 * the seeded PRNG, so the same seed replays the same timings.
 */

export const ModelProfileSchema = z
  .object({
    /** Time to first token (streaming) — or the head start of a JSON answer. */
    ttftMs: DistributionSchema.default({ fixed: 0 }),
    /** Pause before each token after the first, sampled per token (jitter). */
    tokenDelayMs: DistributionSchema.default({ fixed: 0 }),
    /** Length of a text answer in tokens (before `max_tokens` truncation). */
    outputTokens: DistributionSchema.default({ uniform: { min: 20, max: 60 } }),
    /** Prompts above this many tokens get `context_length_exceeded`. */
    contextWindowTokens: z.number().int().positive().default(128_000),
  })
  .strict();
export type ModelProfile = z.output<typeof ModelProfileSchema>;
export type ModelProfileInput = z.input<typeof ModelProfileSchema>;

export const BUILTIN_PROFILE_NAMES = ['sim-fast', 'sim-realistic'] as const;
export type BuiltinProfileName = (typeof BUILTIN_PROFILE_NAMES)[number];

/** The built-in profiles, also served as models of the same name. */
export const BUILTIN_PROFILES: Readonly<Record<BuiltinProfileName, ModelProfile>> = {
  // No timers at all: the "direct" baseline in benchmarks.
  'sim-fast': ModelProfileSchema.parse({}),
  // Human-paced streaming, roughly what hosted chat models feel like.
  'sim-realistic': ModelProfileSchema.parse({
    ttftMs: { lognormal: { median: 350, sigma: 0.45, min: 80, max: 3_000 } },
    tokenDelayMs: { normal: { mean: 25, stdDev: 8, min: 5, max: 120 } },
    outputTokens: { lognormal: { median: 120, sigma: 0.6, min: 10, max: 1_000 } },
  }),
};

/** A profile in config: the name of a built-in one, or a profile written out. */
export const ProfileRefSchema = z.union([z.enum(BUILTIN_PROFILE_NAMES), ModelProfileSchema]);
export type ProfileRef = z.output<typeof ProfileRefSchema>;
export type ProfileRefInput = z.input<typeof ProfileRefSchema>;

/** Turns a profile reference into the profile itself. */
export function resolveProfileRef(ref: ProfileRef): ModelProfile {
  return typeof ref === 'string' ? BUILTIN_PROFILES[ref] : ref;
}

/** How models are looked up: configured map first, then built-ins, then the default. */
export interface ProfileTable {
  /** The model's profile, or undefined when unknown and `strictModels` is on. */
  lookup(model: string): ModelProfile | undefined;
  /** Every model name the table knows by name (for `GET /v1/models`). */
  names(): string[];
}

export function createProfileTable(
  models: Readonly<Record<string, ProfileRef>>,
  defaultProfile: ProfileRef,
  strictModels: boolean,
): ProfileTable {
  const byName = new Map<string, ModelProfile>();
  for (const name of BUILTIN_PROFILE_NAMES) byName.set(name, BUILTIN_PROFILES[name]);
  for (const [name, ref] of Object.entries(models)) byName.set(name, resolveProfileRef(ref));
  const fallback = resolveProfileRef(defaultProfile);
  return {
    lookup: (model) => byName.get(model) ?? (strictModels ? undefined : fallback),
    names: () => [...byName.keys()],
  };
}
