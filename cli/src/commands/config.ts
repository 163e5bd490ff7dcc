import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatIssues, loadConfigFile } from '../../../gateway/src/config/load.js';
import { configJsonSchema } from '../../../gateway/src/config/json-schema.js';
import { secretIssues } from '../../../gateway/src/config/secret-check.js';
import { processSecretSource } from '../../../gateway/src/config/secret-ref.js';

const CHECK_USAGE = `usage: sluice config check FILE [--skip-secrets]
  Validates FILE and prints every problem with its path. Secret references (env variables,
  files) are resolved in this shell's environment, as \`sluice serve\` would in its own;
  --skip-secrets checks only the file (CI without the secrets).
`;

/** `sluice config check FILE [--skip-secrets]` and `sluice config schema [--out FILE]`. */
export async function runConfigCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'check') {
    let parsed;
    try {
      parsed = parseArgs({ args: rest, allowPositionals: true, options: { 'skip-secrets': { type: 'boolean' } } });
    } catch {
      process.stderr.write(CHECK_USAGE);
      return 2;
    }
    const file = parsed.positionals[0];
    if (!file || parsed.positionals.length > 1) {
      process.stderr.write(CHECK_USAGE);
      return 2;
    }
    const skipSecrets = parsed.values['skip-secrets'] === true;
    const r = await loadConfigFile(file);
    const issues = !r.ok ? r.issues : skipSecrets ? [] : secretIssues(r.config, processSecretSource(process.env));
    if (r.ok && issues.length === 0) {
      const secrets = skipSecrets ? 'secrets not checked' : 'secrets resolve here';
      process.stdout.write(`${file}: ok (${r.config.providers.length} providers, ${Object.keys(r.config.models).length} models; ${secrets})\n`);
      return 0;
    }
    const where = r.ok ? " (secret references are resolved in this shell's environment; `sluice serve` resolves them in its own; --skip-secrets checks only the file)" : '';
    process.stderr.write(`${file}: ${issues.length} problem${issues.length === 1 ? '' : 's'}${where}\n${formatIssues(issues)}\n`);
    return 1;
  }
  if (sub === 'schema') {
    const { values } = parseArgs({ args: rest, options: { out: { type: 'string' } } });
    const text = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
    if (values.out) await writeFile(values.out, text);
    else process.stdout.write(text);
    return 0;
  }
  process.stderr.write('usage: sluice config check FILE [--skip-secrets] | sluice config schema [--out FILE]\n');
  return 2;
}
