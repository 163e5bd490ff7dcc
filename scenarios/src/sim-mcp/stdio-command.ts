import { fileURLToPath } from 'node:url';

/**
 * How to spawn the simulated server as a stdio upstream from this very build: the `.ts`
 * source through tsx (tests, dev) or the compiled `.js` (dist). `options` go as argv JSON.
 */
export function simMcpStdioCommand(options: Record<string, unknown> = {}): { command: string; args: string[] } {
  const self = fileURLToPath(import.meta.url);
  const isSource = self.endsWith('.ts');
  const entry = self.replace(/stdio-command\.(ts|js)$/, isSource ? 'stdio.ts' : 'stdio.js');
  return { command: process.execPath, args: [...(isSource ? ['--import', 'tsx'] : []), entry, JSON.stringify(options)] };
}
