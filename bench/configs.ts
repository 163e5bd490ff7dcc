import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** Keys the bench uses: a virtual key and a JWT issuer with a static public key. */
export interface BenchAuth {
  virtualKeyHash: string;
  jwtPublicJwk: Record<string, unknown>;
}

/**
 * One gateway config serving the same simulator under several model names, each with a
 * feature switched on, so one process compares them side by side:
 * `sim-fast` (nothing), `sim-guarded` (request guardrails), `sim-masked` (response stream masking),
 * `sim-budgeted` (a budget and a rate limit that never refuse), `sim-cached` (exact cache: the
 * bench repeats one request, so every call after the first is a hit), `sim-windowed` (a
 * declared context window, which routing checks every request against).
 */
export type TracingMode = { kind: 'off' } | { kind: 'in-process' } | { kind: 'remote'; collectorUrl: string };

export function featureConfig(simUrl: string, dir: string, auth: BenchAuth, tracing: TracingMode, authOnly = false): string {
  const name = authOnly ? 'auth-only' : tracing.kind;
  const file = join(dir, `${name}.yaml`);
  const data = join(dir, name);
  mkdirSync(data, { recursive: true });
  const sim = { provider: 'sim', model: 'sim-fast' };
  writeFileSync(file, stringify({
    server: { dataDir: data },
    telemetry: { enabled: tracing.kind !== 'off', ...(tracing.kind === 'remote' ? { otlpEndpoint: `${tracing.collectorUrl}/v1/traces` } : {}) },
    collector: { enabled: tracing.kind === 'in-process', port: 0, spool: { dir: join(data, 'spool') } },
    store: { path: join(data, 'chdb') },
    auth: {
      anonymous: { enabled: true },
      teams: { bench: {} },
      virtualKeys: [{ id: 'bench-key', hash: auth.virtualKeyHash, agent: 'bench-agent', team: 'bench' }],
      jwt: [{ issuer: 'bench-issuer', keys: [{ jwk: auth.jwtPublicJwk }], algorithms: ['ES256'] }],
    },
    providers: [{ name: 'sim', kind: 'openai', baseUrl: `${simUrl}/v1` }],
    models: { 'sim-fast': sim, 'sim-guarded': sim, 'sim-masked': sim, 'sim-budgeted': sim, 'sim-cached': sim, 'sim-windowed': { ...sim, contextWindow: 128_000 } },
    ...(authOnly ? {} : policySections()),
  }));
  return file;
}

/** The policy features the bench switches on per model name. */
function policySections(): Record<string, unknown> {
  return {
    guardrails: {
      rules: [
        // Request side (the throughput figure) and, separately, response-side stream
        // masking (its TTFT figure).
        { name: 'pii-in', directions: ['request'], detect: { type: 'builtin', entities: ['EMAIL', 'PHONE', 'CREDIT_CARD', 'US_SSN', 'IBAN', 'IP_ADDRESS', 'SECRET'] }, action: 'mask' },
        { name: 'places-in', directions: ['request'], detect: { type: 'dictionary', entity: 'LOCATION', lists: ['locations'] }, action: 'mask' },
        { name: 'pii-out', directions: ['response'], detect: { type: 'builtin', entities: ['EMAIL', 'PHONE', 'CREDIT_CARD', 'US_SSN', 'IBAN', 'IP_ADDRESS', 'SECRET'] }, action: 'mask' },
      ],
      policies: [
        { match: { models: ['sim-guarded'] }, rules: ['pii-in', 'places-in'] },
        { match: { models: ['sim-masked'] }, rules: ['pii-out'] },
      ],
    },
    budgets: {
      pricing: { models: { 'sim-fast': { inputUsdPerMTok: 0.15, outputUsdPerMTok: 0.6 } } },
      rules: [{ name: 'bench-daily', per: 'agent', match: { model: 'sim-budgeted' }, limitUsd: 1_000_000, window: 'daily' }],
    },
    cache: { mode: 'off', models: { 'sim-cached': { mode: 'on' } } },
    rateLimits: { rules: [{ name: 'bench-rpm', per: 'agent', match: { model: 'sim-budgeted' }, requests: 100_000_000, tokens: 1_000_000_000, period: 'minute' }] },
  };
}
