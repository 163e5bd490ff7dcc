import type { Config } from '../config/schema.js';
import type { ModelGroupConfig } from '../config/sections/models.js';
import type { Target } from '../pipeline/context.js';

export interface ResolvedModel {
  /** The config key that matched (`gpt-4o`, or `openai/*` for a pattern). */
  name: string;
  group: ModelGroupConfig;
  targets: Target[];
}

/**
 * Finds the model group for a client-facing name: an exact key, else the longest
 * `prefix/*` pattern, whose suffix becomes the upstream model name.
 */
export function resolveModel(config: Config, model: string): ResolvedModel | undefined {
  // Own properties only: a model named "constructor" must not find Object.prototype's.
  const exact = Object.hasOwn(config.models, model) ? config.models[model] : undefined;
  if (exact) return { name: model, group: exact, targets: exact.targets.map((t) => toTarget(t, t.model ?? model)) };
  let best: string | undefined;
  for (const key of Object.keys(config.models)) {
    if (!key.endsWith('/*')) continue;
    const prefix = key.slice(0, -1);
    if (model.startsWith(prefix) && model.length > prefix.length && (best === undefined || key.length > best.length)) best = key;
  }
  if (best === undefined) return undefined;
  const group = config.models[best];
  const suffix = model.slice(best.length - 1);
  return { name: best, group, targets: group.targets.map((t) => toTarget(t, t.model ? `${t.model}${suffix}` : suffix)) };
}

function toTarget(t: ModelGroupConfig['targets'][number], upstreamModel: string): Target {
  return {
    id: `${t.provider}/${upstreamModel}`,
    provider: t.provider,
    upstreamModel,
    weight: t.weight,
    contextWindow: t.contextWindow,
    maxTokensOverride: t.overrides?.maxTokens,
    headers: t.overrides?.headers ?? {},
  };
}
