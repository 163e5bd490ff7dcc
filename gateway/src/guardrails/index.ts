/**
 * Guardrails: detectors (built-in PII and secrets, national ids, dictionaries, custom
 * regexes), external moderation (OpenAI moderation API, webhooks), the windowed stream
 * masker, and the request/response stages. Templates live in ../templates.
 */
export { createGuardrails, type Guardrails, type GuardrailsDeps } from './create-guardrails.js';
export { compileGuardrails, checkGuardrailsSection, type CompiledGuardrails, type RuleSet, type ConfigIssue } from './compile-rules.js';
export { scanJsonValue, scanJsonValueWith, type ScanPolicyCtx, type ScanJsonResult } from './scan-json-value.js';
export { scanTexts, type ScanEnv, type ScanBudget } from './scan-texts.js';
export { createMasker, type StreamMasker, type MaskEntry, type MaskStep } from './masker.js';
export { maskStream, type StreamReport } from './response-stream.js';
export { guardRequestStage } from './guard-request-stage.js';
export { guardResponseStage } from './guard-response-stage.js';
export { rejectionError, subjectOf, type GuardDeps, type GuardrailLogger } from './guard-deps.js';
export { compileMatch, globToRegExp, subjectKey, type PolicySubject } from './policy-match.js';
export { recordScan, GUARDRAIL_EVENTS, GUARDRAIL_EVENT_ATTRS, type RecordTarget } from './record-hits.js';
export { FAIL_CLOSED_MESSAGE } from './moderation.js';
export { BUDGET_MESSAGE } from './scan-texts.js';
export { analyzeRegex, type RegexAnalysis, type RegexReach } from './regex-analysis.js';
export { LOCATIONS, COUNTRIES, CITIES } from './locations.js';
export { NATIONAL_ID_COUNTRIES, type NationalIdCountry } from './national-ids.js';
export { agentStepMessages, benchGuardrails, type GuardrailsBench } from './bench.js';
export type { Direction, Hit, Rejection, RuleAction, ModerationFailure, ScanOutcome } from './types.js';
