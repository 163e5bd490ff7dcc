/** Public API of routing and failover. */
export { createRouter, createRoutingEngine, createDefaultRouter, modelNotFound, type RouterDeps, type RoutingEngine } from './router.js';
export { runAttempt, setResponseAttributes, type AttemptDeps, type AttemptInfo, type AttemptOutcome } from './attempt.js';
export { resolveModel, type ResolvedModel } from './resolve-model.js';
export { primeStream } from './prime-stream.js';
export { TargetRegistry, type TargetHealth } from './target-registry.js';
export { isSensitive, SENSITIVE_ATTRS } from './rule-match.js';
export { benchFailover, type FailoverBenchOptions, type FailoverBenchResult } from './failover-bench.js';
