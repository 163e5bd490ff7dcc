import type { Config } from '../config/schema.js';
import type { Identity } from '../pipeline/context.js';
import { resolveModel } from '../routing/resolve-model.js';
import { grantsFor } from './grants.js';
import { compilePolicy } from './policy-compile.js';
import { evaluatePolicy, type Decision } from './policy-evaluate.js';

interface ModelTarget {
  provider: string;
  upstreamModel: string;
}

/** The targets serving a client-facing model name, or none for an unknown name. */
function targetsOf(model: string, config: Config): ModelTarget[] {
  // Only own keys: a model called "constructor" must not resolve through Object.prototype;
  // a name without "/" can only match exactly (patterns are "prefix/*").
  if (!Object.hasOwn(config.models, model) && !model.includes('/')) return [];
  return resolveModel(config, model)?.targets ?? [];
}

/**
 * May `identity` call `model`? Policy rules decide first (deny wins); a JWT's grants claim
 * (e.g. `llms: {openai: [gpt-4]}`) can then only narrow: every target serving the model
 * must be granted, by its upstream or client-facing name, under its provider.
 */
export function canUseModel(identity: Identity, model: string, config: Config): Decision {
  const targets = targetsOf(model, config);
  const providers = [...new Set(targets.map((t) => t.provider))];
  const decision = evaluatePolicy(compilePolicy(config.policies), identity, { kind: 'model', model, providers });
  if (!decision.allowed) return decision;
  const grants = grantsFor(identity, config.auth);
  if (grants === undefined) return decision;
  if (grants === null) return { allowed: false, rule: 'token-grants', reason: "the token's grants cannot be read under the current config" };
  if (targets.length === 0) return { allowed: false, rule: 'token-grants', reason: `model ${model} is not configured, so no token grant covers it` };
  const missing = targets.find((t) => !granted(grants.get(t.provider), t.upstreamModel, model));
  if (missing === undefined) return decision;
  return { allowed: false, rule: 'token-grants', reason: `the token does not grant ${missing.provider}/${missing.upstreamModel}` };
}

function granted(matcher: ((m: string) => boolean) | undefined, upstreamModel: string, model: string): boolean {
  return matcher !== undefined && (matcher(upstreamModel) || matcher(model));
}

/** May `identity` call `tool` on MCP server `server`? Policy rules only (grants cover models). */
export function canUseTool(identity: Identity, server: string, tool: string, config: Config): Decision {
  return evaluatePolicy(compilePolicy(config.policies), identity, { kind: 'tool', server, tool });
}

/**
 * The configured model names `identity` may use, for `GET /v1/models`. Pattern entries
 * (`openai/*`) are not names a client can pick, so they are not listed.
 */
export function visibleModels(identity: Identity, config: Config): string[] {
  return Object.keys(config.models).filter((name) => !name.endsWith('/*') && canUseModel(identity, name, config).allowed);
}
