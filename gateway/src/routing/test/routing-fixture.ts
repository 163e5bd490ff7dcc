import { SpanKind } from '@opentelemetry/api';
import OpenAI from 'openai';
import { pino } from 'pino';
import { type SimHandle, type SimOptions, startSimServer } from '../../../../scenarios/src/sim/index.js';
import { eventually, inMemoryTelemetry } from '../../../test/harness.js';
import type { GatewayFeatures } from '../../app.js';
import type { ConfigInput } from '../../config/schema.js';
import { type RunningGateway, startGateway } from '../../main.js';
import { type RoutingEngine, createRoutingEngine } from '../router.js';

/**
 * Simulated providers (one simulator each, so faults and traffic are per target) behind a
 * gateway whose terminal is the router, with spans kept in memory.
 */
export interface RoutingFixture {
  sims: Record<string, SimHandle>;
  gw: RunningGateway;
  client: OpenAI;
  engine: RoutingEngine;
  telemetry: ReturnType<typeof inMemoryTelemetry>;
  /** Forgets finished spans (call before the request whose spans a test reads). */
  resetSpans(): void;
  /** The SERVER span of the newest request since `resetSpans`, once it has ended. */
  serverSpan(): Promise<ReturnType<ReturnType<typeof inMemoryTelemetry>['spans']>[number]>;
  /** CLIENT (attempt) spans of the newest request's trace, oldest first. */
  attemptSpans(): ReturnType<ReturnType<typeof inMemoryTelemetry>['spans']>;
  close(): Promise<void>;
}

export interface FixtureOptions {
  /** Provider name → simulator options. */
  sims: Record<string, SimOptions>;
  /** The config, given the simulators' `/v1` base URLs by provider name. */
  config: (urls: Record<string, string>) => Partial<ConfigInput>;
  features?: GatewayFeatures;
  random?: () => number;
}

export async function startRoutingFixture(opts: FixtureOptions): Promise<RoutingFixture> {
  const sims: Record<string, SimHandle> = {};
  for (const [name, o] of Object.entries(opts.sims)) sims[name] = await startSimServer({ seed: 1, ...o });
  const urls = Object.fromEntries(Object.entries(sims).map(([n, s]) => [n, `${s.url}/v1`]));
  const telemetry = inMemoryTelemetry();
  const logger = pino({ level: 'silent' });
  let engine: RoutingEngine | undefined;
  const base: ConfigInput = {
    telemetry: { enabled: false },
    collector: { enabled: false },
    auth: { anonymous: { enabled: true } },
    providers: Object.entries(urls).map(([name, baseUrl]) => ({ name, kind: 'openai' as const, baseUrl, timeouts: { connectMs: 1_000, firstByteMs: 3_000, totalMs: 10_000 } })),
  };
  const gw = await startGateway({
    config: { ...base, ...opts.config(urls) },
    port: 0,
    host: '127.0.0.1',
    env: {},
    logger,
    telemetry,
    features: {
      ...opts.features,
      terminal: (d) => {
        engine = createRoutingEngine({ ...d, now: () => performance.now(), random: opts.random, logger });
        return engine.terminal;
      },
    },
  });
  const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 15_000 });
  const servers = () => telemetry.spans().filter((s) => s.kind === SpanKind.SERVER);
  return {
    sims,
    gw,
    client,
    engine: engine!,
    telemetry,
    resetSpans: () => telemetry.exporter.reset(),
    async serverSpan() {
      const all = await eventually(servers, (s) => s.length >= 1);
      if (all.length === 0) throw new Error('no SERVER span ended');
      return all[all.length - 1];
    },
    attemptSpans() {
      const all = servers();
      const last = all[all.length - 1];
      if (!last) return [];
      const traceId = last.spanContext().traceId;
      return telemetry.spans().filter((s) => s.kind === SpanKind.CLIENT && s.spanContext().traceId === traceId);
    },
    async close() {
      engine?.close();
      await gw.close();
      await Promise.all(Object.values(sims).map((s) => s.close()));
    },
  };
}

export const MSG = [{ role: 'user' as const, content: 'hello there' }];

/** Reads a whole stream through the SDK; returns the text, or the error the SDK raised. */
export async function readStream(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>): Promise<{ text: string; error?: unknown }> {
  let text = '';
  try {
    for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
  } catch (error) {
    return { text, error };
  }
  return { text };
}
