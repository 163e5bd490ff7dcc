import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { type CollectorProcess, type SpanStore, startCollectorProcess } from '../../collector/src/index.js';
import { type GatewayApp, type GatewayFeatures, createGatewayApp } from './app.js';
import { createDefaultFeatures, mergeFeatures } from './features.js';
import { defaultConfigInput } from './config/default-config.js';
import { type ConfigIssue, type ConfigResult, formatIssues, loadConfigFile, parseConfig } from './config/load.js';
import type { Config, ConfigInput } from './config/schema.js';
import { secretIssues } from './config/secret-check.js';
import { processSecretSource, type SecretSource } from './config/secret-ref.js';
import { answerClientError } from './http/client-error.js';
import { createLogger } from './logger.js';
import { SimProviders } from './sim-providers.js';
import { createGatewayTelemetry, type GatewayTelemetry } from './telemetry/tracer-provider.js';
import { UpstreamPools } from './upstream/pools.js';

export interface StartGatewayOptions {
  /** A config file; when absent, `config` or the built-in default is used. */
  configPath?: string;
  /** An inline config (tests). */
  config?: ConfigInput;
  port?: number;
  host?: string;
  env?: Readonly<Record<string, string | undefined>>;
  logger?: Logger;
  now?: () => number;
  /** Extra or replacement features (tests, benches). */
  features?: GatewayFeatures;
  /** Overrides `collector.port` (tests: 0). */
  collectorPort?: number;
  /** Replaces the OTLP span pipeline (tests use an in-memory exporter). */
  telemetry?: GatewayTelemetry;
}

export interface RunningGateway {
  url: string;
  port: number;
  app: GatewayApp;
  server: Server;
  config(): Config;
  /** Reloads from the config file (or validates and applies `input`); keeps the old config on failure. */
  reload(input?: ConfigInput): Promise<{ ok: true } | { ok: false; issues: ConfigIssue[] }>;
  sims: SimProviders;
  telemetry: GatewayTelemetry;
  /** The in-process collector and its store, when `collector.enabled`. */
  collector: CollectorProcess | undefined;
  store: SpanStore | undefined;
  logger: Logger;
  /** Graceful stop: refuse new work, drain in-flight up to the drain timeout, close. */
  close(): Promise<{ drained: boolean }>;
}

function storeReadiness(store: SpanStore) {
  return async () => {
    try {
      const ok = await store.ping();
      return ok ? { name: 'store', ok } : { name: 'store', ok, detail: 'store did not answer ping' };
    } catch (err) {
      return { name: 'store', ok: false, detail: err instanceof Error ? err.message : String(err) };
    }
  };
}

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[], source: string) {
    super(`invalid config (${source}):\n${formatIssues(issues)}`);
    this.name = 'ConfigError';
  }
}

/**
 * Loads the config to start with: a file, an inline object, or the built-in default. With
 * `secrets`, every secret reference it uses must resolve (what `serve` needs; commands that
 * only read the store do not).
 */
export async function loadStartupConfig(opts: Pick<StartGatewayOptions, 'configPath' | 'config' | 'env'> & { secrets?: SecretSource }): Promise<Config> {
  const env = opts.env ?? process.env;
  let result = opts.configPath
    ? await loadConfigFile(opts.configPath)
    : parseConfig(opts.config ?? defaultConfigInput(env));
  if (result.ok && opts.secrets) result = withResolvedSecrets(result.config, opts.secrets);
  if (!result.ok) throw new ConfigError(result.issues, opts.configPath ?? (opts.config ? 'inline config' : 'default config'));
  return result.config;
}

const withResolvedSecrets = (config: Config, secrets: SecretSource): ConfigResult => {
  const issues = secretIssues(config, secrets);
  return issues.length === 0 ? { ok: true, config } : { ok: false, issues };
};

/**
 * Composes and starts a gateway: config, simulated providers, telemetry, the HTTP server.
 * Installs no signal handlers (the CLI does).
 */
export async function startGateway(opts: StartGatewayOptions = {}): Promise<RunningGateway> {
  const env = opts.env ?? process.env;
  const logger = opts.logger ?? createLogger(env.SLUICE_LOG_LEVEL ?? 'info');
  const now = opts.now ?? (() => performance.now());
  const sims = new SimProviders();
  const secrets = processSecretSource(env as Record<string, string | undefined>);
  const config = await sims.apply(await loadStartupConfig({ ...opts, env, secrets }));
  // The in-process collector owns the store (chDB is one engine per process); the gateway's
  // spans reach it over OTLP/HTTP like any other client's.
  const collector = config.collector.enabled
    ? await startCollectorProcess({ collector: config.collector, store: config.store, dataDir: config.server.dataDir, env, logger, ...(opts.collectorPort !== undefined ? { port: opts.collectorPort } : {}) })
    : undefined;
  const telemetry = opts.telemetry ?? createGatewayTelemetry(config.telemetry, env, collector ? `${collector.url}/v1/traces` : undefined);
  const pools = new UpstreamPools();
  let current: () => Config = () => config;
  const defaults = createDefaultFeatures({ now, logger, secrets, store: collector?.store, config: () => current(), tracer: telemetry.tracer });
  const features: GatewayFeatures = mergeFeatures(
    { ...defaults.features, readiness: [...(collector ? [storeReadiness(collector.store)] : []), ...(defaults.features.readiness ?? [])] },
    opts.features,
  );
  const app = createGatewayApp(config, { now, logger, telemetry, pools, secrets }, features);
  current = () => app.config();
  await defaults.start();
  const { keepAliveTimeoutMs, headersTimeoutMs, requestTimeoutMs } = config.server;
  const server = createServer(
    {
      keepAliveTimeout: keepAliveTimeoutMs,
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      // Node enforces both timeouts on this tick: keep it well under the shorter one.
      connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(headersTimeoutMs / 4))),
    },
    app.handle,
  );
  server.on('upgrade', app.handleUpgrade);
  server.on('clientError', answerClientError);
  const port = opts.port ?? config.server.port;
  const host = opts.host ?? config.server.host;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  let closing: Promise<{ drained: boolean }> | undefined;
  /** Never rejects: whatever goes wrong before the swap refuses the config and keeps the old one. */
  const reloadOnce = async (input: ConfigInput | undefined): ReturnType<RunningGateway['reload']> => {
    let next: Config;
    try {
      let result = input !== undefined ? parseConfig(input) : opts.configPath ? await loadConfigFile(opts.configPath) : parseConfig(opts.config ?? defaultConfigInput(env));
      if (result.ok) result = withResolvedSecrets(result.config, secrets);
      if (!result.ok) {
        logger.error({ issues: result.issues }, `config reload refused; keeping the current config:\n${formatIssues(result.issues)}`);
        return result;
      }
      next = await sims.apply(result.config);
    } catch (err) {
      const issues = [{ path: '(reload)', message: err instanceof Error ? err.message : String(err) }];
      logger.error({ err }, `config reload failed; keeping the current config:\n${formatIssues(issues)}`);
      return { ok: false, issues };
    }
    app.reload(next);
    defaults.reload();
    logger.info('config reloaded');
    return { ok: true };
  };
  // One reload at a time: a SIGHUP and a file change together must not apply out of order.
  let reloading: Promise<unknown> = Promise.resolve();
  return {
    url,
    port: addr.port,
    app,
    server,
    sims,
    telemetry,
    logger,
    collector,
    store: collector?.store,
    config: () => app.config(),
    reload(input) {
      const run = reloading.then(() => reloadOnce(input));
      reloading = run.catch(() => undefined);
      return run;
    },
    close() {
      closing ??= (async () => {
        app.stopAccepting();
        server.close();
        server.closeIdleConnections();
        const drained = await app.drain(app.config().server.drainTimeoutMs);
        server.closeAllConnections();
        await pools.close();
        await defaults.close();
        await telemetry.shutdown().catch(() => {});
        await collector?.close();
        await sims.close();
        return { drained };
      })();
      return closing;
    },
  };
}
