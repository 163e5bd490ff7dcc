import { parseArgs } from 'node:util';
import { startSimServer } from '../../../scenarios/src/sim/index.js';

/** `sluice sim [--port N] [--seed N]`: the simulated LLM provider on its own. */
export async function runSim(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { port: { type: 'string' }, seed: { type: 'string' }, host: { type: 'string' } } });
  const sim = await startSimServer({
    port: values.port ? Number(values.port) : 9090,
    ...(values.host ? { host: values.host } : {}),
    ...(values.seed ? { seed: Number(values.seed) } : {}),
  } as Parameters<typeof startSimServer>[0]);
  process.stdout.write(`sluice sim listening on ${sim.url} (OpenAI: ${sim.url}/v1, Anthropic: ${sim.url}/v1/messages)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await sim.close();
  return 0;
}
