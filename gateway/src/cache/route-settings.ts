import type { CacheMode, CacheSection, EmbedInput } from '../config/sections/cache.js';

/** The cache settings that apply to one request's model group. */
export interface RouteCacheSettings {
  mode: CacheMode;
  ttlMs: number;
  semantic: {
    enabled: boolean;
    threshold: number;
    embed: EmbedInput;
  };
}

/**
 * Defaults of the `cache` section with the overrides of the client-facing model name, else
 * of the model group it resolved to (`prefix/*` groups), field by field.
 */
export function routeSettings(section: CacheSection, clientModel: string, group: string): RouteCacheSettings {
  const o = section.models[clientModel] ?? section.models[group];
  return {
    mode: o?.mode ?? section.mode,
    ttlMs: o?.ttlMs ?? section.ttlMs,
    semantic: {
      enabled: (o?.semantic?.enabled ?? section.semantic.enabled) && section.semantic.embeddings !== undefined,
      threshold: o?.semantic?.threshold ?? section.semantic.threshold,
      embed: section.semantic.embed,
    },
  };
}
