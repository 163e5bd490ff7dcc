import { hash } from 'node:crypto';
import { ATTR } from '../../../collector/src/model/semconv.js';
import type { Config } from '../config/schema.js';
import type { AttrValue, Identity } from '../pipeline/context.js';
import { resolveModel } from '../routing/index.js';
import { canonicalJson } from './canonical-json.js';

/** Set by the template stage next to `gen_ai.prompt.name` (templates/template-stage.ts). */
const PROMPT_VERSION_ATTR = 'sluice.prompt.version';

/**
 * Body fields that never change the answer: transport (`stream`, `stream_options`), the
 * model name the client typed (replaced by what routing resolves it to), and bookkeeping
 * the provider does not condition on. Everything else is part of the key, so a parameter a
 * provider adds tomorrow splits the cache rather than serving a wrong answer.
 */
const NOT_IN_KEY = new Set(['model', 'stream', 'stream_options', 'user', 'metadata', 'store', 'service_tier', 'prompt_cache_key', 'safety_identifier']);

/** Sampling knobs a paraphrase is allowed to differ in (semantic scope only). */
const SAMPLING = new Set(['temperature', 'top_p', 'seed', 'frequency_penalty', 'presence_penalty', 'logit_bias']);

/** What the model name resolves to: the group and every upstream model that may answer. */
export interface RouteIdentity {
  group: string;
  targets: string[];
}

/** The parts every key and scope is built from. */
export interface KeyInput {
  tenant: string;
  template: string;
  route: RouteIdentity;
  body: Record<string, unknown>;
}

/** Whose cache this is: the team, else the agent, else everyone anonymous. */
export function tenantOf(identity: Identity | undefined): string {
  if (identity?.team) return `team:${identity.team}`;
  if (identity?.agent) return `agent:${identity.agent}`;
  return 'anonymous';
}

/** The template(s) the template stage applied, with versions, or '' when none. */
export function templateOf(attrs: Readonly<Record<string, AttrValue>>): string {
  const name = attrs[ATTR.GEN_AI_PROMPT_NAME];
  if (name === undefined || name === '') return '';
  const version = attrs[PROMPT_VERSION_ATTR];
  return version === undefined || version === '' ? String(name) : `${String(name)}@${String(version)}`;
}

/**
 * The model after routing, as far as it is known before routing runs: the group and the
 * sorted set of `provider/upstreamModel` that may serve it (any of them may answer, and a
 * change of targets must not serve answers of the old ones).
 */
export function routeIdentityOf(config: Config, model: string): RouteIdentity {
  const resolved = resolveModel(config, model);
  if (!resolved) return { group: model, targets: [] };
  return { group: resolved.name, targets: resolved.targets.map((t) => `${t.provider}/${t.upstreamModel}`).sort() };
}

const sha256 = (text: string): string => hash('sha256', text, 'hex');

function bodyWithout(body: Record<string, unknown>, drop: (k: string) => boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!drop(k)) out[k] = v;
  return out;
}

/** The exact-cache key: sha256 of the canonical form of everything that changes the answer. */
export function exactKey(input: KeyInput): string {
  const body = bodyWithout(input.body, (k) => NOT_IN_KEY.has(k));
  return sha256(canonicalJson({ v: 1, tenant: input.tenant, template: input.template, route: input.route, body }));
}

const isInstruction = (m: unknown): boolean => {
  const role = (m as { role?: unknown } | null)?.role;
  return role === 'system' || role === 'developer';
};

/** Index of the last user message, or -1. */
export function lastUserIndex(messages: readonly unknown[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if ((messages[i] as { role?: unknown } | null)?.role === 'user') return i;
  return -1;
}

/**
 * The semantic scope: a paraphrase may only hit an answer given under the same tenant,
 * template, route, instructions (system/developer messages), tools, response format and
 * output limits, by vectors of the same embedder. With `last-user-message`, the earlier
 * turns are part of the scope too, so "yes, do that" never matches across conversations.
 */
export function semanticScope(input: KeyInput, embed: 'last-user-message' | 'conversation', embedder: string): string {
  const messages = Array.isArray(input.body.messages) ? input.body.messages : [];
  const instructions = messages.filter(isInstruction);
  const last = lastUserIndex(messages);
  const history = embed === 'last-user-message' ? messages.filter((m, i) => i !== last && !isInstruction(m)) : [];
  const rest = bodyWithout(input.body, (k) => NOT_IN_KEY.has(k) || SAMPLING.has(k) || k === 'messages');
  return sha256(canonicalJson({ v: 1, tenant: input.tenant, template: input.template, route: input.route, embed, embedder, instructions, history, rest }));
}
