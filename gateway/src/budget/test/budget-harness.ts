import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { pino } from 'pino';
import { type Harness, simConfig, startHarness } from '../../../test/harness.js';
import type { ConfigInput } from '../../config/schema.js';
import { hashVirtualKey } from '../../identity/index.js';
import { createBudgets, type Budgets } from '../create-budgets.js';
import { storeUsageSource } from '../usage-source.js';

/** Agents with virtual keys in every budget e2e config; `root` is an admin. */
export const AGENTS = { alice: 'research', bob: 'research', carol: 'ops', root: 'ops' } as const;
export type AgentName = keyof typeof AGENTS;

const keyOf = (agent: string) => `sk-sluice-e2e-${agent}-0123456789abcdef0123456789abcdef`;

/** Prices for the simulator's models, so USD budgets can apply to them. */
export const SIM_PRICING = {
  models: {
    'sim-fast': { inputUsdPerMTok: 10, outputUsdPerMTok: 30 },
    'sim-realistic': { inputUsdPerMTok: 10, outputUsdPerMTok: 30 },
    'sim-cheap': { inputUsdPerMTok: 1, outputUsdPerMTok: 2 },
    'sim-embed': { inputUsdPerMTok: 0.1, outputUsdPerMTok: 0 },
  },
};

export interface BudgetHarness {
  h: Harness;
  budgets: Budgets;
  client(agent: AgentName, opts?: { maxRetries?: number }): OpenAI;
  key(agent: AgentName): string;
  /** Exports pending spans and stores them (store-backed harnesses only). */
  flushSpans(): Promise<void>;
  close(): Promise<void>;
}

export interface BudgetHarnessOptions {
  budgets?: Record<string, unknown>;
  rateLimits?: Record<string, unknown>;
  /** Keep spans in chDB under this directory (telemetry → in-process collector → store). */
  storeDir?: string;
  /** Extra config (JWT issuers, …), merged over the base. */
  extra?: (simUrl: string) => Partial<ConfigInput>;
  /** Load the store's spend before serving (a restart). */
  loadFromStore?: boolean;
}

/**
 * A simulator and a gateway with the real identity (virtual keys), rate-limit and budget
 * stages and `GET /v1/budgets`; optionally with the in-process collector and a chDB store.
 */
export async function startBudgetHarness(o: BudgetHarnessOptions = {}): Promise<BudgetHarness> {
  const auth = {
    teams: { research: {}, ops: {} },
    agents: { root: { team: 'ops', admin: true } },
    virtualKeys: Object.entries(AGENTS).map(([agent, team]) => ({ id: `k-${agent}`, hash: hashVirtualKey(keyOf(agent)), agent, team })),
    admins: ['root'],
  };
  const storeConfig = o.storeDir
    ? {
        telemetry: { enabled: true, batch: { scheduledDelayMs: 50, maxExportBatchSize: 512, maxQueueSize: 8192 } },
        collector: { enabled: true, batch: { flushMs: 50 }, spool: { dir: join(o.storeDir, 'spool') } },
        store: { mode: 'embedded' as const, path: join(o.storeDir, 'chdb') },
        server: { dataDir: o.storeDir },
      }
    : {};
  let storeRef: Harness['gw']['store'];
  const budgets = createBudgets({
    now: Date.now,
    logger: pino({ level: 'silent' }),
    // The gateway opens the store when it starts; read it lazily.
    usageSource: { usageBuckets: (q) => (storeRef ? storeUsageSource(storeRef).usageBuckets(q) : Promise.resolve([])) },
    getConfig: () => h.gw.config(),
  });
  const h: Harness = await startHarness({
    config: (simUrl) => {
      const base = simConfig(simUrl);
      return {
        ...base,
        models: { ...base.models, 'sim-cheap': { provider: 'sim', model: 'sim-cheap' } },
        auth,
        budgets: { ...o.budgets, pricing: SIM_PRICING },
        rateLimits: o.rateLimits ?? {},
        ...storeConfig,
        ...(o.extra?.(simUrl) ?? {}),
      } as ConfigInput;
    },
    gateway: {
      collectorPort: 0,
      features: { stages: { rateLimit: budgets.rateLimit, budget: budgets.budget }, getRoutes: { '/v1/budgets': budgets.budgetsHandler } },
    },
  });
  storeRef = h.gw.store;
  if (o.loadFromStore) await budgets.loadFromStore();
  return {
    h,
    budgets,
    key: (agent) => keyOf(agent),
    client: (agent, opts) => new OpenAI({ baseURL: `${h.gw.url}/v1`, apiKey: keyOf(agent), maxRetries: opts?.maxRetries ?? 0, timeout: 20_000 }),
    async flushSpans() {
      await h.gw.telemetry.forceFlush();
      await h.gw.collector?.collector.flush();
    },
    async close() {
      await budgets.stop();
      await h.close();
    },
  };
}

/** A temp directory for one test file's store. */
export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
