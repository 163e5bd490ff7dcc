import type { Dispatcher } from 'undici';
import type { GuardrailsSection } from '../config/sections/guardrails.js';
import type { TemplatesSection } from '../config/sections/templates.js';
import { type SecretRef, type SecretSource, resolveSecret } from '../config/secret-ref.js';
import type { Stage } from '../pipeline/stage.js';
import { type CompiledTemplates, templateStage } from '../templates/index.js';
import { type CompiledGuardrails, compileGuardrails } from './compile-rules.js';
import type { GuardDeps, GuardrailLogger } from './guard-deps.js';
import { guardRequestStage } from './guard-request-stage.js';
import { guardResponseStage } from './guard-response-stage.js';
import { type ScanJsonResult, type ScanPolicyCtx, scanJsonValueWith } from './scan-json-value.js';
import type { Direction } from './types.js';

export interface GuardrailsDeps {
  now: () => number;
  logger?: GuardrailLogger;
  /** Resolves moderation API keys and webhook tokens (SecretRefs in the config). */
  secrets?: SecretSource;
  /** Keep-alive pool for moderation endpoints. */
  dispatcher?: Dispatcher;
  /** Defaults to `setImmediate`. */
  yieldToLoop?: () => Promise<void>;
}

export interface Guardrails {
  /** Prompt templates (slot `template`). */
  readonly template: Stage;
  /** Request-side guardrails (slot `guardRequest`). */
  readonly guardRequest: Stage;
  /** Response-side guardrails (slot `guardResponse`). */
  readonly guardResponse: Stage;
  /** MCP tool arguments (`request`) and results (`response`). */
  scanJsonValue<T>(value: T, direction: Direction, policyCtx: ScanPolicyCtx): Promise<ScanJsonResult<T>>;
  /** The compiled form of a section (cached by object identity). */
  compile(section: GuardrailsSection): CompiledGuardrails;
}

const setImmediateYield = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Guardrails and templates for one process. Compiled rules and templates are cached per
 * config object, so a hot reload (a new object) recompiles once and in-flight requests keep
 * the rules they started with. Messages inserted by templates are remembered (weakly) so
 * request guardrails do not mask the operator's own prompt.
 */
export function createGuardrails(deps: GuardrailsDeps): Guardrails {
  const compiled = new WeakMap<GuardrailsSection, CompiledGuardrails>();
  const templates = new WeakMap<TemplatesSection, CompiledTemplates>();
  const inserted = new WeakSet<object>();
  // A SecretRef object belongs to one config snapshot: resolve it once (file reads are
  // synchronous) and again only when a reload brings a new object.
  const resolved = new WeakMap<SecretRef, { value: string | undefined }>();
  const secrets = deps.secrets;
  const resolve = (ref: SecretRef): string | undefined => {
    if (!secrets) return undefined;
    let r = resolved.get(ref);
    if (r === undefined) resolved.set(ref, (r = { value: resolveSecret(ref, secrets) }));
    return r.value;
  };
  const compile = (section: GuardrailsSection): CompiledGuardrails => compileGuardrails(section, compiled);
  const guardDeps: GuardDeps = {
    now: deps.now,
    logger: deps.logger,
    resolveSecret: resolve,
    dispatcher: deps.dispatcher,
    yieldToLoop: deps.yieldToLoop ?? setImmediateYield,
    compile,
    isTemplateMessage: (msg) => typeof msg === 'object' && msg !== null && inserted.has(msg),
  };
  return {
    template: templateStage({ onInserted: (m) => inserted.add(m), cache: templates }),
    guardRequest: guardRequestStage(guardDeps),
    guardResponse: guardResponseStage(guardDeps),
    scanJsonValue: (value, direction, policyCtx) => scanJsonValueWith(guardDeps, value, direction, policyCtx),
    compile,
  };
}
