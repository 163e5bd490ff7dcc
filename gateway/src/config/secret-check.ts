import { staticKeyProblem } from '../identity/static-keys.js';
import type { ConfigIssue } from './load.js';
import type { Config } from './schema.js';
import { type SecretRef, type SecretSource, secretRefProblem } from './secret-ref.js';

/**
 * Every secret reference the config uses that does not resolve against `source`, with its
 * config path (`providers.0.apiKey: env OPENAI_API_KEY is not set`); JWT static keys must
 * also hold a usable public key. A config with such problems would start (or reload) and
 * then call providers without credentials or refuse every token, so start and reload refuse
 * it instead. Parts turned off (`enabled: false`) are not checked. Messages name references,
 * never values.
 */
export function secretIssues(config: Config, source: SecretSource): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const check = (path: (string | number)[], ref: SecretRef): void => {
    const problem = secretRefProblem(ref, source);
    if (problem !== undefined) issues.push({ path: path.join('.'), message: problem });
  };
  const checkOneOrMany = (path: (string | number)[], refs: SecretRef | SecretRef[]): void => {
    if (Array.isArray(refs)) refs.forEach((r, i) => check([...path, i], r));
    else check(path, refs);
  };

  config.providers.forEach((p, i) => {
    if (p.apiKey !== undefined) checkOneOrMany(['providers', i, 'apiKey'], p.apiKey);
  });
  for (const [team, t] of Object.entries(config.auth.teams)) {
    for (const [provider, refs] of Object.entries(t.providerKeys)) checkOneOrMany(['auth', 'teams', team, 'providerKeys', provider], refs);
  }
  config.auth.jwt.forEach((issuer, i) => {
    issuer.keys?.forEach((key, k) => {
      const path = ['auth', 'jwt', i, 'keys', k];
      const unresolved = 'env' in key ? secretRefProblem({ env: key.env }, source) : 'file' in key ? secretRefProblem({ file: key.file }, source) : undefined;
      const problem = unresolved ?? staticKeyProblem(key, source);
      if (problem !== undefined) issues.push({ path: path.join('.'), message: problem });
    });
  });
  if (config.guardrails.enabled) {
    config.guardrails.rules.forEach((rule, i) => {
      const d = rule.detect;
      if (d.type === 'openai-moderation') check(['guardrails', 'rules', i, 'detect', 'apiKey'], d.apiKey);
      if (d.type === 'webhook' && d.bearerToken !== undefined) check(['guardrails', 'rules', i, 'detect', 'bearerToken'], d.bearerToken);
    });
  }
  if (config.mcp.enabled) {
    config.mcp.upstreams.forEach((u, i) => {
      if (!u.enabled) return;
      if ('credentials' in u && u.credentials !== undefined) check(['mcp', 'upstreams', i, 'credentials', 'secret'], u.credentials.secret);
      if (u.kind === 'stdio') {
        for (const [name, value] of Object.entries(u.env)) if (typeof value !== 'string') check(['mcp', 'upstreams', i, 'env', name], value);
      }
    });
  }
  return issues;
}
