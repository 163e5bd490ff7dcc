import { main } from './sluice.js';

// Entry for running the CLI from source (tests use `node --import tsx cli/src/run.ts …`);
// the installed binary (bin/sluice.js) runs the compiled build of the same `main`.
main(process.argv.slice(2))
  .then(() => process.exit(process.exitCode ?? 0))
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.stack : String(err));
    process.exit(1);
  });
