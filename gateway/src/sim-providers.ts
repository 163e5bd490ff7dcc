import { type SimHandle, startSimServer } from '../../scenarios/src/sim/index.js';
import type { Config } from './config/schema.js';

/**
 * Starts (once per provider name) the simulated upstream of every `kind: sim` provider and
 * returns the config with their base URLs filled in. Sims survive config reloads.
 */
export class SimProviders {
  private readonly running = new Map<string, SimHandle>();

  async apply(config: Config): Promise<Config> {
    const sims = config.providers.filter((p) => p.kind === 'sim' && !p.baseUrl);
    if (sims.length === 0) return config;
    const providers = [];
    for (const p of config.providers) {
      if (p.kind !== 'sim' || p.baseUrl) {
        providers.push(p);
        continue;
      }
      let sim = this.running.get(p.name);
      if (!sim) {
        sim = await startSimServer(p.sim ?? {});
        this.running.set(p.name, sim);
      }
      providers.push({ ...p, baseUrl: `${sim.url}/v1` });
    }
    return Object.freeze({ ...config, providers: Object.freeze(providers) }) as Config;
  }

  get(name: string): SimHandle | undefined {
    return this.running.get(name);
  }

  async close(): Promise<void> {
    const all = [...this.running.values()];
    this.running.clear();
    await Promise.allSettled(all.map((s) => s.close()));
  }
}
