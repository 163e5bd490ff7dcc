import type { GuardrailsSection } from '../config/sections/guardrails.js';
import type { Identity } from '../pipeline/context.js';
import { performance } from 'node:perf_hooks';
import { type CompiledGuardrails, compileGuardrails } from './compile-rules.js';
import { type GuardDeps, logFailures, scanEnvOf } from './guard-deps.js';
import { type RecordTarget, recordScan } from './record-hits.js';
import { scanTexts } from './scan-texts.js';
import { jsonSlots, writeSlots } from './text-slots.js';
import type { Direction, Hit, ModerationFailure, Rejection } from './types.js';

/** Which rules apply and where to record, for a payload outside the LLM pipeline (MCP). */
export interface ScanPolicyCtx {
  /** The guardrails config section in force (compiled once per object). */
  guardrails: GuardrailsSection;
  /** Matched against policies' `routes` (e.g. `/mcp`, `/mcp/servers/db`). */
  route: string;
  /** Matched against policies' `models` (e.g. the tool name `db__query`). */
  model?: string;
  identity?: Identity;
  signal?: AbortSignal;
  /** Where hits go (the tool call's span attributes and events); skipped when absent. */
  record?: RecordTarget;
  /** Correlates logged moderation failures. */
  requestId?: string;
}

export interface ScanJsonResult<T> {
  /** The value with masked strings (a copy where changed; the input when not). */
  value: T;
  changed: boolean;
  hits: Hit[];
  rejected?: Rejection;
  failures: ModerationFailure[];
}

/**
 * Scans every string of a JSON value (tool arguments toward a server, tool results back to
 * the agent) with the rules that apply to `direction` and the subject, masking in place or
 * reporting a rejection for the caller to render (a JSON-RPC error, a tool error result).
 */
export async function scanJsonValueWith<T>(deps: GuardDeps, value: T, direction: Direction, ctx: ScanPolicyCtx): Promise<ScanJsonResult<T>> {
  const subject = { route: ctx.route, model: ctx.model, team: ctx.identity?.team, agent: ctx.identity?.agent };
  const set = deps.compile(ctx.guardrails).ruleSet(direction, subject);
  if (set.empty) return { value, changed: false, hits: [], failures: [] };
  const started = deps.now();
  const slots = jsonSlots(value);
  const result = await scanTexts(
    slots.map((s) => s.text),
    set,
    ctx.guardrails.scan,
    scanEnvOf(deps, direction, ctx, () => ctx.signal),
  );
  if (ctx.record) recordScan(ctx.record, deps.now(), deps.now() - started, result.hits, result.failures, result.rejected);
  logFailures(deps.logger, ctx.requestId ?? '', result.failures);
  const masked = result.changed && !result.rejected ? writeSlots(value, slots, result.texts) : value;
  return { value: masked, changed: masked !== value, hits: result.hits, rejected: result.rejected, failures: result.failures };
}

let defaultDeps: GuardDeps | undefined;

/**
 * `scanJsonValueWith` on process-wide defaults (wall clock, `setImmediate` yields, no
 * secret source: external moderation that needs a key fails per its policy). Prefer
 * `createGuardrails(...).scanJsonValue`, which carries the process's secrets and logger.
 */
export function scanJsonValue<T>(value: T, direction: Direction, policyCtx: ScanPolicyCtx): Promise<ScanJsonResult<T>> {
  if (!defaultDeps) {
    const cache = new WeakMap<GuardrailsSection, CompiledGuardrails>();
    defaultDeps = {
      now: () => performance.now(),
      yieldToLoop: () => new Promise((resolve) => setImmediate(resolve)),
      compile: (section) => compileGuardrails(section, cache),
      isTemplateMessage: () => false,
    };
  }
  return scanJsonValueWith(defaultDeps, value, direction, policyCtx);
}
