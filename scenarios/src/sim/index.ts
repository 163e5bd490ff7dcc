/** Public API of the simulated LLM provider (see README.md in this folder). */
export { startSimServer, type SimHandle } from './sim-server.js';
export { SimOptionsSchema, type SimOptions, type SimConfig } from './sim-options.js';
export { SimError, type SimErrorCode } from './sim-errors.js';
export type { SimStats } from './sim-stats.js';
export type { RecordedRequest } from './request-log.js';
export { FaultPlanSchema, FaultRuleSchema, type FaultPlan, type FaultPlanInput, type FaultRule } from './fault-plan.js';
export { FaultSpecSchema, parseFaultSpec, formatFaultSpec, type FaultSpec, type FaultSpecResult } from './fault-spec.js';
export {
  BUILTIN_PROFILES,
  BUILTIN_PROFILE_NAMES,
  ModelProfileSchema,
  type BuiltinProfileName,
  type ModelProfile,
  type ModelProfileInput,
} from './profiles.js';
export { DistributionSchema, createRng, type Distribution, type DistributionInput, type Rng } from './random.js';
export { QuotaSchema, type QuotaLimits } from './quota.js';
export { cosineSimilarity } from './embeddings.js';
