import type { TemplateDefinition, TemplatesSection } from '../config/sections/templates.js';
// Direct module imports (same owner) rather than ../guardrails/index.js: the config
// schema loads this file, and the guardrails index pulls in the stages.
import type { ConfigIssue } from '../guardrails/compile-rules.js';
import { type PolicySubject, compileMatch, subjectKey } from '../guardrails/policy-match.js';
import { type TemplatePart, parseTemplate, placeholderProblem } from './placeholders.js';

export interface CompiledTemplate {
  name: string;
  version: string;
  position: 'prepend' | 'append';
  messages: Array<{ role: string; parts: TemplatePart[] }>;
}

export interface CompiledTemplates {
  /** Templates that apply to a subject, in `attach` order. */
  forSubject(subject: PolicySubject): CompiledTemplate[];
}

const byVersion = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

const messagesOf = (d: TemplateDefinition): Array<{ role: string; content: string; path: Array<string | number> }> => [
  ...(d.system !== undefined ? [{ role: 'system', content: d.system, path: ['system'] }] : []),
  ...d.messages.map((m, j) => ({ role: m.role, content: m.content, path: ['messages', j, 'content'] })),
];

/** Finds the definition an attachment names (pinned version, else the highest). */
function resolve(section: TemplatesSection, name: string, version: string | undefined): TemplateDefinition | undefined {
  const all = section.definitions.filter((d) => d.name === name).sort((a, b) => byVersion(a.version, b.version));
  return version === undefined ? all.at(-1) : all.find((d) => d.version === version);
}

/** Every problem of a templates section, with its path; empty = loadable. */
export function checkTemplatesSection(section: TemplatesSection): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  section.definitions.forEach((d, i) => {
    const id = `${d.name}@${d.version}`;
    if (seen.has(id)) issues.push({ path: ['definitions', i, 'version'], message: `duplicate template ${id}` });
    seen.add(id);
    const msgs = messagesOf(d);
    if (msgs.length === 0) issues.push({ path: ['definitions', i], message: 'a template needs `system` or `messages`' });
    for (const m of msgs) {
      for (const part of parseTemplate(m.content)) {
        const problem = typeof part === 'string' ? undefined : placeholderProblem(part.name);
        if (problem) issues.push({ path: ['definitions', i, ...m.path], message: problem });
      }
    }
  });
  section.attach.forEach((a, i) => {
    if (!resolve(section, a.template, a.version)) {
      const what = a.version === undefined ? `"${a.template}"` : `"${a.template}" version ${a.version}`;
      issues.push({ path: ['attach', i, 'template'], message: `unknown template ${what}` });
    }
  });
  return issues;
}

const SUBJECT_CACHE_MAX = 1_024;

function compile(section: TemplatesSection): CompiledTemplates {
  const attached = section.attach.flatMap((a) => {
    const d = resolve(section, a.template, a.version);
    if (!d) return [];
    const template: CompiledTemplate = {
      name: d.name,
      version: d.version,
      position: d.position,
      messages: messagesOf(d).map((m) => ({ role: m.role, parts: parseTemplate(m.content) })),
    };
    return [{ matches: compileMatch(a.match), template }];
  });
  const cache = new Map<string, CompiledTemplate[]>();
  return {
    forSubject(subject) {
      const key = subjectKey(subject);
      let list = cache.get(key);
      if (list === undefined) {
        if (cache.size >= SUBJECT_CACHE_MAX) cache.clear();
        list = attached.filter((a) => a.matches(subject)).map((a) => a.template);
        cache.set(key, list);
      }
      return list;
    },
  };
}

/** Compiled templates per config object (hot reload swaps the object). */
export function compileTemplates(section: TemplatesSection, cache: WeakMap<TemplatesSection, CompiledTemplates>): CompiledTemplates {
  let c = cache.get(section);
  if (c === undefined) cache.set(section, (c = compile(section)));
  return c;
}
