import { runCollector } from './commands/collector.js';
import { runConfigCommand } from './commands/config.js';
import { runDashboardsCommand } from './commands/dashboards.js';
import { runKeysCreate } from './commands/keys.js';
import { runQueryCommand } from './commands/query.js';
import { runDemo } from './commands/demo.js';
import { runScenarioCommand } from './commands/scenario.js';
import { runServe } from './commands/serve.js';
import { runSim } from './commands/sim.js';

const USAGE = `usage: sluice <command> [options]

  serve [--port N] [--config FILE]     run the gateway (default: ./sluice.yaml if present, else the built-in config)
  config check FILE                    validate a config file and print every problem with its path
  config schema [--out FILE]           print the JSON Schema of the config file
  sim [--port N] [--seed N]            run the simulated LLM provider
  collector [--port N] [--config FILE] run the OTLP collector alone, writing to the configured store
  query "SQL" [--format F]             read-only SQL against the store (through a running server if it holds it)
  scenario run FILE [--gateway URL] [--speed 5x] [--report out.json] [--baseline prev.json]
                                       replay an agent scenario and report latency, errors, tokens, cost
  scenario record --from-store [--conversation ID | --agent NAME --since 1h] --out FILE
                                       turn stored traces into a scenario
  demo                                 gateway + simulators + a short scenario; prints where the results are
  dashboards build [--out DIR] [--check]
                                       regenerate the Grafana dashboards JSON from the TypeScript
  keys create --agent NAME [--team T] [--expires 30d]
                                       mint a virtual key: printed once, with the hash line for the config
`;

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  serve: runServe,
  config: runConfigCommand,
  sim: runSim,
  collector: runCollector,
  query: runQueryCommand,
  dashboards: runDashboardsCommand,
  scenario: runScenarioCommand,
  demo: runDemo,
  keys: async (argv) => {
    if (argv[0] !== 'create') {
      process.stderr.write('usage: sluice keys create --agent NAME [--team TEAM] [--expires 30d] [--id ID]\n');
      return 2;
    }
    return runKeysCreate(argv.slice(1), (line) => process.stdout.write(`${line}\n`));
  },
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
