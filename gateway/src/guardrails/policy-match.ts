import type { PolicyMatch } from '../config/sections/guardrails.js';

/** Who and what a guardrail decision is about. */
export interface PolicySubject {
  /** HTTP path (`/v1/chat/completions`) or MCP route (`/mcp`, `/mcp/servers/db`). */
  route: string;
  /** Requested model, or tool name on the MCP side. */
  model?: string;
  team?: string;
  agent?: string;
}

export type SubjectMatcher = (subject: PolicySubject) => boolean;

/** `*` matches any run of characters; everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

const anyOf = (globs: readonly string[] | undefined): ((v: string | undefined) => boolean) => {
  if (globs === undefined) return () => true;
  const res = globs.map(globToRegExp);
  return (v) => v !== undefined && res.some((re) => re.test(v));
};

/** A matcher for one policy's `match`: every given dimension must match one of its globs. */
export function compileMatch(match: PolicyMatch): SubjectMatcher {
  const route = anyOf(match.routes);
  const model = anyOf(match.models);
  const team = anyOf(match.teams);
  const agent = anyOf(match.agents);
  return (s) => route(s.route) && model(s.model) && team(s.team) && agent(s.agent);
}

/** Cache key for a subject (fields cannot contain NUL). */
export const subjectKey = (s: PolicySubject): string => [s.route, s.model ?? '', s.team ?? '', s.agent ?? ''].join('\u0000');
