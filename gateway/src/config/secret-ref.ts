import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * A reference to a secret: never the secret itself. Config files name an environment
 * variable or a file (Kubernetes secrets, Vault-agent files); values are resolved when the
 * config is loaded or reloaded and kept out of the config object, logs and spans.
 */
export const SecretRefSchema = z.union(
  [
    z.object({ env: z.string().min(1) }).strict(),
    z.object({ file: z.string().min(1) }).strict(),
  ],
  // The usual mistake is the secret itself in the file: say what goes there instead.
  { error: 'must be a reference, { env: VARIABLE } or { file: PATH }; secrets are never written in the config' },
);
export type SecretRef = z.infer<typeof SecretRefSchema>;

/** One reference or several (rotated keys, tried in turn). */
export const SecretRefsSchema = z.union([SecretRefSchema, z.array(SecretRefSchema).min(1)], {
  error: 'must be a reference, { env: VARIABLE } or { file: PATH }, or a list of them; secrets are never written in the config',
});

/** Where secret values come from; injected so tests and reloads see a consistent source. */
export interface SecretSource {
  env: Readonly<Record<string, string | undefined>>;
  readFile(path: string): string;
}

export const processSecretSource = (env: Record<string, string | undefined>): SecretSource => ({
  env,
  readFile: (path) => readFileSync(path, 'utf8'),
});

/** Resolves a reference; `undefined` when the variable or file is missing or empty. */
export function resolveSecret(ref: SecretRef, source: SecretSource): string | undefined {
  if ('env' in ref) {
    const v = source.env[ref.env];
    return v === undefined || v === '' ? undefined : v;
  }
  try {
    const v = source.readFile(ref.file).trim();
    return v === '' ? undefined : v;
  } catch {
    return undefined;
  }
}

/**
 * Why a reference does not resolve (`env OPENAI_API_KEY is not set`), or `undefined` when it
 * does: the same rule as `resolveSecret`, in words an operator can act on, never the value.
 */
export function secretRefProblem(ref: SecretRef, source: SecretSource): string | undefined {
  if ('env' in ref) {
    const v = source.env[ref.env];
    if (v === undefined) return `env ${ref.env} is not set`;
    return v === '' ? `env ${ref.env} is empty` : undefined;
  }
  let text: string;
  try {
    text = source.readFile(ref.file);
  } catch (err) {
    return `file ${ref.file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`;
  }
  return text.trim() === '' ? `file ${ref.file} is empty` : undefined;
}

/** Names a reference for error messages without revealing its value. */
export const describeSecretRef = (ref: SecretRef): string =>
  'env' in ref ? `env ${ref.env}` : `file ${ref.file}`;
