import { join } from 'node:path';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { tracing } from '@opentelemetry/sdk-node';
import OpenAI from 'openai';
import { pino } from 'pino';
import { type SimHandle, startSimServer } from '../../scenarios/src/sim/index.js';
import type { ConfigInput } from '../src/config/schema.js';
import { type RunningGateway, type StartGatewayOptions, startGateway } from '../src/main.js';
import type { GatewayTelemetry } from '../src/telemetry/tracer-provider.js';

/** Telemetry that keeps finished spans in memory, for tests that assert on spans. */
export function inMemoryTelemetry(): GatewayTelemetry & { exporter: tracing.InMemorySpanExporter; spans(): tracing.ReadableSpan[] } {
  const exporter = new tracing.InMemorySpanExporter();
  const provider = new tracing.BasicTracerProvider({ spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });
  return {
    exporter,
    spans: () => exporter.getFinishedSpans(),
    tracer: provider.getTracer('sluice-test'),
    propagator: new W3CTraceContextPropagator(),
    forceFlush: () => provider.forceFlush(),
    shutdown: async () => {},
  };
}

/** Waits until `pred` holds (bounded), for state that settles after a response (spans, stats). */
export async function eventually<T>(fn: () => T | Promise<T>, pred: (v: T) => boolean, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (pred(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface Harness {
  sim: SimHandle;
  gw: RunningGateway;
  client: OpenAI;
  close(): Promise<void>;
}

/** The simulator's fault-injection headers, forwarded by test configs. */
export const SIM_HEADERS = ['x-sim-fault', 'x-sim-seed'];

/** A config whose `sim` provider is an already running simulator at `simUrl`. */
export function simConfig(simUrl: string, extra: Partial<ConfigInput> = {}): ConfigInput {
  return {
    telemetry: { enabled: false },
    collector: { enabled: false },
    auth: { anonymous: { enabled: true } },
    // No MCP upstreams unless a test asks for them (the default federates the simulator).
    mcp: { upstreams: [] },
    providers: [{ name: 'sim', kind: 'openai', baseUrl: `${simUrl}/v1`, apiKey: { env: 'SIM_TEST_KEY' }, forwardHeaders: SIM_HEADERS }],
    models: {
      'sim-fast': { provider: 'sim', model: 'sim-fast' },
      'sim-realistic': { provider: 'sim', model: 'sim-realistic' },
      'sim-embed': { provider: 'sim', model: 'sim-embed' },
    },
    ...extra,
  };
}

/**
 * Config sections that turn on tracing into the in-process collector and an embedded store
 * under `dir`, flushing quickly so tests find rows within a second or two.
 */
export function storeSections(dir: string): Partial<ConfigInput> {
  return {
    server: { dataDir: dir },
    telemetry: { enabled: true, batch: { scheduledDelayMs: 100 } },
    collector: { enabled: true, port: 0, spool: { dir: join(dir, 'spool') }, batch: { flushMs: 200 } },
    store: { path: join(dir, 'chdb') },
  };
}

/** The secret the harness gives the sim provider, so tests can look for leaks. */
export const SIM_TEST_KEY = 'sk-test-harness-0123456789abcdef0123456789';

/** Starts a simulator and a gateway in front of it on 127.0.0.1:0. */
export async function startHarness(opts: { config?: (simUrl: string) => ConfigInput; gateway?: Partial<StartGatewayOptions>; sim?: Parameters<typeof startSimServer>[0] } = {}): Promise<Harness> {
  const sim = await startSimServer({ seed: 7, ...(opts.sim ?? {}) } as Parameters<typeof startSimServer>[0]);
  const gw = await startGateway({
    config: (opts.config ?? simConfig)(sim.url),
    port: 0,
    host: '127.0.0.1',
    env: { SIM_TEST_KEY },
    logger: pino({ level: 'silent' }),
    ...opts.gateway,
  });
  const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'unused-by-default-config', maxRetries: 0, timeout: 20_000 });
  return {
    sim,
    gw,
    client,
    async close() {
      await gw.close();
      await sim.close();
    },
  };
}
