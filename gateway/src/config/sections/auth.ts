import { z } from 'zod';
import { SecretRefsSchema } from '../secret-ref.js';

/**
 * A virtual key: stored only as `sha256:<hex>` of the key. Keys are 256-bit random strings
 * (`sluice keys create`), so a fast hash cannot be brute-forced and a slow one (scrypt)
 * would only add CPU per request; see gateway/src/identity/README.md.
 */
const VirtualKeySchema = z
  .object({
    /** Shown on spans as `sluice.key_id`; never the key. */
    id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" and "-" only (at most 64)'),
    hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be "sha256:<64 lower-case hex>" as printed by `sluice keys create`'),
    agent: z.string().min(1),
    /** Defaults to the agent's declared team. */
    team: z.string().min(1).optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    disabled: z.boolean().default(false),
    costCenter: z.string().min(1).optional(),
    description: z.string().optional(),
  })
  .strict();
export type VirtualKeyConfig = z.infer<typeof VirtualKeySchema>;

const ProviderKeysSchema = z.record(z.string(), SecretRefsSchema);

const TeamSchema = z
  .object({
    costCenter: z.string().min(1).optional(),
    /** The team's own provider credentials; providers not listed use the shared pool. */
    providerKeys: ProviderKeysSchema.default({}),
    description: z.string().optional(),
  })
  .strict();
export type TeamConfig = z.infer<typeof TeamSchema>;

const AgentSchema = z
  .object({
    team: z.string().min(1).optional(),
    costCenter: z.string().min(1).optional(),
    admin: z.boolean().default(false),
    description: z.string().optional(),
  })
  .strict();

/** Signature algorithms Sluice verifies; `none` and shared-secret HMAC are deliberately absent. */
export const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;

const kid = { kid: z.string().min(1).optional() };
/** A static verification key: inline public PEM/JWK (public keys are not secrets) or an env/file reference. */
const StaticKeySchema = z.union([
  z
    .object({
      ...kid,
      pem: z.string().refine((s) => /-----BEGIN (PUBLIC KEY|CERTIFICATE)-----/.test(s) && !s.includes('PRIVATE'), 'must be a PEM public key or certificate'),
    })
    .strict(),
  z
    .object({
      ...kid,
      jwk: z.looseObject({ kty: z.string() }).refine((j) => !('d' in j) && !('k' in j), 'must be a public JWK (no "d" or "k" member)'),
    })
    .strict(),
  z.object({ ...kid, env: z.string().min(1) }).strict(),
  z.object({ ...kid, file: z.string().min(1) }).strict(),
]);
export type StaticKeyConfig = z.infer<typeof StaticKeySchema>;

const JwtIssuerSchema = z
  .object({
    /** The exact `iss` value accepted. */
    issuer: z.string().min(1),
    /** Accepted `aud` value(s); when set, tokens without a matching `aud` are refused. */
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    jwksUrl: z.string().url().optional(),
    keys: z.array(StaticKeySchema).min(1).optional(),
    algorithms: z.array(z.enum(JWT_ALGORITHMS)).min(1).default(['RS256', 'ES256']),
    clockSkewSec: z.number().int().min(0).max(600).default(30),
    /** Refuse tokens without `exp` (they would never expire). */
    requireExp: z.boolean().default(true),
    agentClaim: z.string().min(1).default('sub'),
    /** Claim path; nested paths are split on `claimDelimiter`. */
    teamClaim: z.string().min(1).default('team'),
    claimDelimiter: z.string().min(1).default('.'),
    /** `{provider: [model globs]}` grants that narrow what the token may use; absent claim = no narrowing. */
    grantsClaim: z.string().min(1).default('llms'),
    costCenterClaim: z.string().min(1).optional(),
    /** Claim path that makes the caller an admin when it equals (or, for a list, contains) `adminValue`. */
    adminClaim: z.string().min(1).optional(),
    adminValue: z.union([z.string(), z.boolean()]).default(true),
    /** An unknown `kid` refetches the JWKS at most this often. */
    jwksCooldownMs: z.number().int().min(0).default(30_000),
    /** Background refresh interval of a cached JWKS (cached keys keep working if it fails). */
    jwksRefreshMs: z.number().int().positive().default(600_000),
    jwksTimeoutMs: z.number().int().positive().default(5_000),
  })
  .strict()
  .superRefine((iss, ctx) => {
    if ((iss.jwksUrl === undefined) === (iss.keys === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['jwksUrl'], message: 'give exactly one of jwksUrl or keys' });
    }
    if (iss.jwksUrl !== undefined && !isSafeJwksUrl(iss.jwksUrl)) {
      ctx.addIssue({ code: 'custom', path: ['jwksUrl'], message: 'must be https (http only for localhost/127.0.0.1/[::1])' });
    }
  });
export type JwtIssuerConfig = z.infer<typeof JwtIssuerSchema>;

/** A JWKS fetched over plain http could be swapped by anyone on the path. */
function isSafeJwksUrl(url: string): boolean {
  const u = new URL(url);
  return u.protocol === 'https:' || (u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname));
}

const AnonymousSchema = z
  .object({
    enabled: z.boolean().default(false),
    agent: z.string().min(1).default('anonymous'),
    team: z.string().min(1).optional(),
    costCenter: z.string().min(1).optional(),
  })
  .strict();

/**
 * `auth`: who is calling. Several methods may be enabled at once (virtual keys, JWT issuers,
 * anonymous); the one that matched is recorded as `sluice.auth.method`.
 */
export const AuthSectionSchema = z
  .object({
    virtualKeys: z.array(VirtualKeySchema).default([]),
    agents: z.record(z.string(), AgentSchema).default({}),
    teams: z.record(z.string(), TeamSchema).default({}),
    jwt: z.array(JwtIssuerSchema).default([]),
    anonymous: AnonymousSchema.prefault({}),
    /** Agents that may see everyone's budgets and use admin endpoints. */
    admins: z.array(z.string().min(1)).default([]),
  })
  .strict()
  .superRefine((auth, ctx) => {
    const ids = new Set<string>();
    const hashes = new Set<string>();
    auth.virtualKeys.forEach((k, i) => {
      if (ids.has(k.id)) ctx.addIssue({ code: 'custom', path: ['virtualKeys', i, 'id'], message: `duplicate key id "${k.id}"` });
      if (hashes.has(k.hash)) ctx.addIssue({ code: 'custom', path: ['virtualKeys', i, 'hash'], message: 'duplicate key hash' });
      ids.add(k.id);
      hashes.add(k.hash);
      checkTeam(auth, k.team, ['virtualKeys', i, 'team'], ctx);
      const declared = auth.agents[k.agent]?.team;
      if (k.team !== undefined && declared !== undefined && declared !== k.team) {
        ctx.addIssue({ code: 'custom', path: ['virtualKeys', i, 'team'], message: `agent "${k.agent}" is declared in team "${declared}"` });
      }
    });
    for (const [name, agent] of Object.entries(auth.agents)) checkTeam(auth, agent.team, ['agents', name, 'team'], ctx);
    checkTeam(auth, auth.anonymous.team, ['anonymous', 'team'], ctx);
    const issuers = new Set<string>();
    auth.jwt.forEach((iss, i) => {
      if (issuers.has(iss.issuer)) ctx.addIssue({ code: 'custom', path: ['jwt', i, 'issuer'], message: `duplicate issuer "${iss.issuer}"` });
      issuers.add(iss.issuer);
    });
  })
  .prefault({});
export type AuthSection = z.infer<typeof AuthSectionSchema>;

/** A typo in a team name would silently escape that team's policies, so teams must be declared. */
function checkTeam(auth: { teams: Record<string, unknown> }, team: string | undefined, path: (string | number)[], ctx: z.RefinementCtx): void {
  if (team !== undefined && !Object.hasOwn(auth.teams, team)) {
    ctx.addIssue({ code: 'custom', path, message: `team "${team}" is not declared under auth.teams` });
  }
}
