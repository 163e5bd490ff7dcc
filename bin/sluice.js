#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm install` and `npm start` via tsc).
import('../dist/cli/src/sluice.js')
  .then((m) => m.main(process.argv.slice(2)))
  .then(() => process.exit(process.exitCode ?? 0))
  .catch((err) => {
    console.error(err?.stack ?? String(err));
    process.exit(1);
  });
