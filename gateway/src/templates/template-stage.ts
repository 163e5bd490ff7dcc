import { ATTR } from '../../../collector/src/model/semconv.js';
import type { TemplatesSection } from '../config/sections/templates.js';
import type { RequestCtx } from '../pipeline/context.js';
import type { Stage } from '../pipeline/stage.js';
import { type CompiledTemplates, compileTemplates } from './compile-templates.js';
import { type VariableLookup, renderTemplate } from './placeholders.js';

/** Span attribute with the applied templates' versions (gen_ai.* has a name but no version). */
export const PROMPT_VERSION_ATTR = 'sluice.prompt.version';
export const TEMPLATE_EVENT = 'sluice.template.applied';

export interface TemplateStageDeps {
  /** Told about every inserted message (request guardrails skip operator text). */
  onInserted?: (message: Record<string, unknown>) => void;
  /** Compiled templates per config object; share one map across stages. */
  cache?: WeakMap<TemplatesSection, CompiledTemplates>;
}

const header = (ctx: RequestCtx, name: string): string | undefined => {
  const v = ctx.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
};

/** Variables a template may read: model, route, identity (incl. claims), headers, metadata. */
export function requestVariables(ctx: RequestCtx): VariableLookup {
  const metadata = typeof ctx.body.metadata === 'object' && ctx.body.metadata !== null ? (ctx.body.metadata as Record<string, unknown>) : {};
  return (name) => {
    if (name === 'model') return ctx.model;
    if (name === 'route') return ctx.path;
    const [ns, ...rest] = name.split('.');
    const field = rest.join('.');
    if (ns === 'headers') return header(ctx, field);
    if (ns === 'metadata') return metadata[field];
    if (ns === 'identity' && rest[0] === 'claims') return ctx.identity?.claims?.[rest.slice(1).join('.')];
    if (ns === 'identity') return (ctx.identity as Record<string, unknown> | undefined)?.[field];
    return undefined;
  };
}

/**
 * Adds the operator's templates to every chat request they are attached to (by route,
 * model, team, agent), before guardrails and limits: prepended or appended messages
 * rendered with the request's variables. Names and versions go on the span.
 */
export const templateStage = (deps: TemplateStageDeps = {}): Stage => {
  const cache = deps.cache ?? new WeakMap<TemplatesSection, CompiledTemplates>();
  return async function template(ctx, next) {
    if (ctx.operation !== 'chat' || !Array.isArray(ctx.body.messages)) return next();
    const subject = { route: ctx.path, model: ctx.model, team: ctx.identity?.team, agent: ctx.identity?.agent };
    const applied = compileTemplates(ctx.config.templates, cache).forSubject(subject);
    if (applied.length === 0) return next();
    const vars = requestVariables(ctx);
    const before: Array<Record<string, unknown>> = [];
    const after: Array<Record<string, unknown>> = [];
    for (const t of applied) {
      for (const m of t.messages) {
        const msg = { role: m.role, content: renderTemplate(m.parts, vars) };
        deps.onInserted?.(msg);
        (t.position === 'prepend' ? before : after).push(msg);
      }
      ctx.events.push({ name: TEMPLATE_EVENT, timeMs: ctx.now(), attributes: { 'sluice.template.name': t.name, 'sluice.template.version': t.version, 'sluice.template.position': t.position } });
    }
    ctx.body = { ...ctx.body, messages: [...before, ...(ctx.body.messages as unknown[]), ...after] };
    ctx.attrs[ATTR.GEN_AI_PROMPT_NAME] = applied.map((t) => t.name).join(',');
    ctx.attrs[PROMPT_VERSION_ATTR] = applied.map((t) => t.version).join(',');
    return next();
  };
};
