import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { SecretRef } from '../config/secret-ref.js';
import { GatewayError } from '../errors.js';
import type { Identity, RequestCtx } from '../pipeline/context.js';
import type { CompiledGuardrails } from './compile-rules.js';
import type { PolicySubject } from './policy-match.js';
import type { ScanEnv } from './scan-texts.js';
import type { Direction, ModerationFailure, Rejection } from './types.js';
import type { GuardrailsSection } from '../config/sections/guardrails.js';

export type GuardrailLogger = Pick<Logger, 'warn'>;

/** What the guardrail stages need from the process; everything injected. */
export interface GuardDeps {
  now: () => number;
  logger?: GuardrailLogger;
  /** Resolves moderation API keys / webhook tokens (SecretRefs of the config in force). */
  resolveSecret?: (ref: SecretRef) => string | undefined;
  /** Keep-alive pool for moderation endpoints (undici's global one when absent). */
  dispatcher?: Dispatcher;
  /** Lets other requests run between slices of a large text. */
  yieldToLoop: () => Promise<void>;
  compile: (section: GuardrailsSection) => CompiledGuardrails;
  /** Messages a template inserted (operator text, not scanned). */
  isTemplateMessage: (msg: unknown) => boolean;
}

/** The policy subject of a request: route = path, model = requested model, team/agent from identity. */
export const subjectOf = (ctx: RequestCtx): PolicySubject => ({
  route: ctx.path,
  model: ctx.model,
  team: ctx.identity?.team,
  agent: ctx.identity?.agent,
});

/** Who and where a scan is for, as external moderation sees it. */
export interface ScanSubject {
  route: string;
  model?: string;
  identity?: Identity;
}

/**
 * The environment of one scan, built field by field: spreading `deps` per request is a
 * measurable share of a small request's guardrail time, and so is a getter in the literal.
 * The abort signal is asked for only when external moderation runs: a request context makes
 * its AbortSignal on first use.
 */
export const scanEnvOf = (deps: GuardDeps, direction: Direction, s: ScanSubject, signalOf: () => AbortSignal | undefined): ScanEnv => ({
  now: deps.now,
  yieldToLoop: deps.yieldToLoop,
  resolveSecret: deps.resolveSecret,
  dispatcher: deps.dispatcher,
  direction,
  route: s.route,
  model: s.model,
  identity: s.identity,
  signalOf,
});

/**
 * A refusal in the gateway's error type. Fail-closed moderation outages are not the
 * caller's fault, so they render as 503 rather than 400.
 */
export function rejectionError(rejected: Rejection): GatewayError {
  if (rejected.failClosed) {
    return new GatewayError('GW_GUARDRAIL_REJECTED', rejected.message, { status: 503, type: 'api_error', clientCode: 'guardrail_unavailable' });
  }
  return new GatewayError('GW_GUARDRAIL_REJECTED', rejected.message);
}

/** Moderation failures are operational facts: log them (rule and reason only). */
export function logFailures(logger: GuardrailLogger | undefined, requestId: string, failures: readonly ModerationFailure[]): void {
  for (const f of failures) logger?.warn({ requestId, rule: f.rule, reason: f.reason, failMode: f.failMode }, 'guardrail check failed');
}
