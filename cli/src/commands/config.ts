import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatIssues, loadConfigFile } from '../../../gateway/src/config/load.js';
import { configJsonSchema } from '../../../gateway/src/config/json-schema.js';

/** `sluice config check FILE` and `sluice config schema [--out FILE]`. */
export async function runConfigCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'check') {
    const file = rest[0];
    if (!file) {
      process.stderr.write('usage: sluice config check FILE\n');
      return 2;
    }
    const r = await loadConfigFile(file);
    if (r.ok) {
      process.stdout.write(`${file}: ok (${r.config.providers.length} providers, ${Object.keys(r.config.models).length} models)\n`);
      return 0;
    }
    process.stderr.write(`${file}: ${r.issues.length} problem${r.issues.length === 1 ? '' : 's'}\n${formatIssues(r.issues)}\n`);
    return 1;
  }
  if (sub === 'schema') {
    const { values } = parseArgs({ args: rest, options: { out: { type: 'string' } } });
    const text = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
    if (values.out) await writeFile(values.out, text);
    else process.stdout.write(text);
    return 0;
  }
  process.stderr.write('usage: sluice config check FILE | sluice config schema [--out FILE]\n');
  return 2;
}
