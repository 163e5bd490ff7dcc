import { z } from 'zod';
import { CollectorConfigSchema, StoreConfigSchema } from '../../../collector/src/config.js';
import { McpSectionSchema } from '../../../mcp/src/config.js';
import { AuthSectionSchema } from './sections/auth.js';
import { budgetConfigIssues } from '../budget/config-check.js';
import { BudgetsSectionSchema } from './sections/budgets.js';
import { CacheSectionSchema } from './sections/cache.js';
import { GuardrailsSectionSchema } from './sections/guardrails.js';
import { ModelsSectionSchema } from './sections/models.js';
import { PoliciesSectionSchema } from './sections/policies.js';
import { ProvidersSectionSchema } from './sections/providers.js';
import { providerApi } from '../upstream/provider-names.js';
import { RateLimitsSectionSchema } from './sections/rate-limits.js';
import { RoutingSectionSchema } from './sections/routing.js';
import { ServerSectionSchema } from './sections/server.js';
import { TelemetrySectionSchema } from './sections/telemetry.js';
import { TemplatesSectionSchema } from './sections/templates.js';

/**
 * The whole Sluice config: one YAML file, one strict schema (unknown keys are errors with
 * their path), defaults in the schema, secrets only as references.
 */
export const ConfigSchema = z
  .object({
    server: ServerSectionSchema.prefault({}),
    providers: ProvidersSectionSchema,
    models: ModelsSectionSchema,
    auth: AuthSectionSchema,
    policies: PoliciesSectionSchema,
    budgets: BudgetsSectionSchema,
    rateLimits: RateLimitsSectionSchema,
    routing: RoutingSectionSchema,
    guardrails: GuardrailsSectionSchema,
    templates: TemplatesSectionSchema,
    cache: CacheSectionSchema,
    mcp: McpSectionSchema,
    telemetry: TelemetrySectionSchema.prefault({}),
    store: StoreConfigSchema.prefault({}),
    collector: CollectorConfigSchema.prefault({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const names = new Set<string>();
    cfg.providers.forEach((p, i) => {
      if (names.has(p.name)) ctx.addIssue({ code: 'custom', path: ['providers', i, 'name'], message: `duplicate provider "${p.name}"` });
      names.add(p.name);
      if (p.kind === 'azure-openai' && !p.baseUrl) {
        ctx.addIssue({ code: 'custom', path: ['providers', i, 'baseUrl'], message: `provider "${p.name}" of kind ${p.kind} needs baseUrl` });
      }
      if (p.api !== undefined && p.kind !== 'sim') {
        ctx.addIssue({ code: 'custom', path: ['providers', i, 'api'], message: `only a sim provider takes api; kind ${p.kind} fixes its wire API` });
      }
    });
    for (const [model, group] of Object.entries(cfg.models)) {
      group.targets.forEach((t, i) => {
        if (!names.has(t.provider)) {
          ctx.addIssue({ code: 'custom', path: ['models', model, 'targets', i, 'provider'], message: `unknown provider "${t.provider}"` });
        }
      });
    }
    const embedder = cfg.cache?.semantic.embeddings;
    if (embedder) {
      const p = cfg.providers.find((x) => x.name === embedder.provider);
      const path = ['cache', 'semantic', 'embeddings', 'provider'];
      if (!p) ctx.addIssue({ code: 'custom', path, message: `unknown provider "${embedder.provider}"` });
      else if (providerApi(p) === 'anthropic') ctx.addIssue({ code: 'custom', path, message: `provider "${p.name}" speaks Anthropic Messages, which has no embeddings API` });
    }
    // Money budgets need prices for every model they cover; downgrade targets must exist.
    for (const issue of budgetConfigIssues(cfg)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });

export type Config = z.infer<typeof ConfigSchema>;
/** What a config file may contain before defaults are applied. */
export type ConfigInput = z.input<typeof ConfigSchema>;
