import { runConfigCommand } from './commands/config.js';
import { runServe } from './commands/serve.js';
import { runSim } from './commands/sim.js';

const USAGE = `usage: sluice <command> [options]

  serve [--port N] [--config FILE]     run the gateway (default: ./sluice.yaml if present, else the built-in config)
  config check FILE                    validate a config file and print every problem with its path
  config schema [--out FILE]           print the JSON Schema of the config file
  sim [--port N] [--seed N]            run the simulated LLM provider
`;

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  serve: runServe,
  config: runConfigCommand,
  sim: runSim,
};

/** Entry of the `sluice` binary. Exit codes: 0 ok, 1 failure, 2 usage error. */
export async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    process.exitCode = name === undefined ? 2 : 0;
    return;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`sluice: unknown command "${name}"\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const code = await cmd(rest);
  if (code !== 0) process.exitCode = code;
}
