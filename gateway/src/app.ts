import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ROOT_CONTEXT, SpanKind, defaultTextMapGetter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Config } from './config/schema.js';
import type { SecretSource } from './config/secret-ref.js';
import { GatewayError, toGatewayError } from './errors.js';
import { parseJsonObject } from './http/parse-json-body.js';
import { readRequestBody } from './http/read-request-body.js';
import { relayJson, relayStream } from './http/relay.js';
import { relayMessage, relayMessageStream } from './http/relay-messages.js';
import { sendError } from './http/render-error.js';
import { requestIdFrom } from './http/request-id.js';
import type { IdentifyCaller } from './identity/identify-stage.js';
import type { ApiFlavor, AttrValue, Identity, Operation, RequestCtx } from './pipeline/context.js';
import type { Outcome } from './pipeline/outcome.js';
import { Cancellation } from './pipeline/cancellation.js';
import { orderedStages, type StageSlot } from './pipeline/slots.js';
import { type Stage, type Terminal, compose } from './pipeline/stage.js';
import { createBasicRouter } from './routing/basic-router.js';
import { resolveModel } from './routing/resolve-model.js';
import { modelNotFound } from './routing/router.js';
import { countMessageTokens } from './anthropic-front/count-tokens.js';
import { canonicalRequest } from './schemas/canonical-request.js';
import { finishRequestSpan } from './telemetry/finish-request-span.js';
import { arrivalAttributes, requestAttributes } from './telemetry/request-attributes.js';
import type { GatewayTelemetry } from './telemetry/tracer-provider.js';
import type { UpstreamPools } from './upstream/pools.js';
import { type ProviderRegistry, buildProviderRegistry } from './upstream/provider-registry.js';
import type { AttemptDeps } from './routing/attempt.js';

export interface GatewayDeps {
  now: () => number;
  logger: Logger;
  telemetry: GatewayTelemetry;
  pools: UpstreamPools;
  secrets: SecretSource;
}

/** A readiness check of one dependency (store, MCP upstream, …). */
export type ReadinessCheck = () => Promise<{ name: string; ok: boolean; detail?: string }>;

/** What the features built by later issues plug into the gateway. */
export interface GatewayFeatures {
  stages?: Partial<Record<StageSlot, Stage>>;
  /** Replaces the basic ordered-failover router. */
  terminal?: (deps: AttemptDeps) => Terminal;
  /**
   * Establishes the caller of an LLM request from its headers before the body is read, so a
   * stranger's body is never read or parsed: records the outcome in `attrs` (span attributes)
   * and throws 401/503 to refuse. Sets `ctx.identity` for the stages.
   */
  admit?: IdentifyCaller;
  /** Establishes identity for non-pipeline endpoints (`/v1/models`, `/v1/budgets`). */
  authenticate?: (headers: IncomingMessage['headers'], config: Config) => Promise<Identity | undefined>;
  visibleModels?: (identity: Identity | undefined, config: Config) => string[];
  credentialFor?: AttemptDeps['credentialFor'];
  /** Extra GET endpoints, e.g. `/v1/budgets`: return the JSON body. */
  getRoutes?: Record<string, (identity: Identity | undefined, config: Config) => Promise<unknown> | unknown>;
  /** Paths the MCP gateway serves; returns true when it handled the request. */
  mcp?: {
    handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
    handleUpgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
    /** Upstream MCP servers' health, reported on /readyz. */
    readiness?(): Promise<{ name: string; ok: boolean; detail?: string }>;
  };
  readiness?: ReadinessCheck[];
}

export interface GatewayApp {
  handle(req: IncomingMessage, res: ServerResponse): void;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Swaps in a validated config; in-flight requests finish on the one they started with. */
  reload(config: Config): void;
  config(): Config;
  inFlight(): number;
  /** Resolves when no request is in flight (or after `timeoutMs`). */
  drain(timeoutMs: number): Promise<boolean>;
  /** Refuse new pipeline requests with 503 from now on. */
  stopAccepting(): void;
}

const ROUTES: Record<string, { method: string; api: ApiFlavor; op?: Operation }> = {
  '/v1/chat/completions': { method: 'POST', api: 'openai', op: 'chat' },
  '/chat/completions': { method: 'POST', api: 'openai', op: 'chat' },
  '/v1/messages': { method: 'POST', api: 'anthropic', op: 'chat' },
  '/v1/messages/count_tokens': { method: 'POST', api: 'anthropic' },
  '/v1/embeddings': { method: 'POST', api: 'openai', op: 'embeddings' },
  '/embeddings': { method: 'POST', api: 'openai', op: 'embeddings' },
  '/v1/models': { method: 'GET', api: 'openai' },
  '/models': { method: 'GET', api: 'openai' },
  '/healthz': { method: 'GET', api: 'openai' },
  '/readyz': { method: 'GET', api: 'openai' },
};

/** The gateway's HTTP handler: routing of paths, the policy pipeline, relay, spans. */
export function createGatewayApp(initial: Config, deps: GatewayDeps, features: GatewayFeatures = {}): GatewayApp {
  // One provider registry per config: a request finishing on the config it started with
  // after a reload reuses that config's registry (no secret re-reads on the request path).
  const registries = new WeakMap<Config, ProviderRegistry>();
  const registryFor = (config: Config): ProviderRegistry => {
    let r = registries.get(config);
    if (!r) {
      r = buildProviderRegistry(config, deps.pools, deps.secrets);
      registries.set(config, r);
    }
    return r;
  };
  let snap = { config: initial };
  registryFor(initial);
  let inFlight = 0;
  let accepting = true;
  const idleWaiters = new Set<() => void>();
  const attemptDeps: AttemptDeps = {
    tracer: deps.telemetry.tracer,
    propagator: deps.telemetry.propagator,
    providers: (ctx) => registryFor(ctx.config),
    credentialFor: features.credentialFor,
  };
  const terminal = (features.terminal ?? createBasicRouter)(attemptDeps);
  const pipeline = compose(orderedStages(features.stages ?? {}), terminal);

  const done = () => {
    inFlight--;
    if (inFlight === 0) for (const w of idleWaiters) w();
  };

  async function handleLlm(req: IncomingMessage, res: ServerResponse, api: ApiFlavor, op: Operation, requestId: string): Promise<void> {
    const { config } = snap;
    const receivedAtMs = deps.now();
    const cancel = new Cancellation();
    res.on('close', () => {
      if (!res.writableFinished) cancel.abort(new Error('client closed the connection'));
    });
    const parentCtx = deps.telemetry.propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
    const span = deps.telemetry.tracer.startSpan(`${op} ${req.url ?? ''}`, { kind: SpanKind.SERVER }, parentCtx);
    // Anthropic's SDKs read `request-id` (a message's `_request_id`): the same id, which spans carry.
    const baseHeaders: Record<string, string> = api === 'anthropic' ? { 'x-request-id': requestId, 'request-id': requestId } : { 'x-request-id': requestId };
    const path = req.url ?? '';
    const attrs: Record<string, AttrValue> = arrivalAttributes({ requestId, api, operation: op, path, headers: req.headers });
    let ctx: RequestCtx | undefined;
    let outcome: Outcome | undefined;
    let error: GatewayError | undefined;
    try {
      if (!accepting) throw new GatewayError('GW_SHUTTING_DOWN', 'the gateway is shutting down; retry on another instance', { retryAfterMs: 1000 });
      // Who is calling comes first: an unauthenticated body is never read.
      const identity = features.admit ? await features.admit(req.headers, config, attrs) : undefined;
      const { body, model, stream } = canonicalRequest(api, op, parseJsonObject(await readRequestBody(req, config.server.maxBodyBytes)));
      span.updateName(`${op} ${model}`);
      ctx = {
        requestId, api, operation: op, path, headers: req.headers, config, cancel,
        get signal() {
          return cancel.signal;
        },
        receivedAtMs, now: deps.now, body, model, stream, identity, attrs, events: [], responseHeaders: {}, span, inputCount: undefined,
      };
      Object.assign(attrs, requestAttributes(ctx));
      outcome = await pipeline(ctx);
      const headers = Object.assign(baseHeaders, ctx.responseHeaders);
      if (api === 'anthropic') {
        if (outcome.kind === 'json') relayMessage(res, outcome, headers, model);
        else await relayMessageStream(res, outcome, headers, model);
      } else if (outcome.kind === 'json') relayJson(res, outcome, headers);
      else await relayStream(res, outcome, headers);
    } catch (err) {
      error = toGatewayError(err);
      // Refused before the request was understood (no credentials, unreadable body, bad
      // JSON, 413): the span still carries what was known, the id the client got back included.
      if (!ctx) span.setAttributes(attrs);
      if (error.code === 'GW_INTERNAL') deps.logger.error({ err, requestId }, 'request failed');
      sendError(res, error, api, Object.assign(baseHeaders, ctx?.responseHeaders));
      if (error.code === 'GW_BODY_TOO_LARGE') res.once('finish', () => req.destroy());
    } finally {
      finishRequestSpan(span, ctx, outcome, error, res.statusCode, config.telemetry).catch((err: unknown) => {
        deps.logger.error({ err, requestId }, 'could not finish the request span');
      });
    }
  }

  async function handleModels(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const { config } = snap;
    // Anthropic's SDK sends `anthropic-version` on every call: it gets Anthropic's list shape.
    const api: ApiFlavor = req.headers['anthropic-version'] === undefined ? 'openai' : 'anthropic';
    try {
      const identity = features.authenticate ? await features.authenticate(req.headers, config) : undefined;
      const names = features.visibleModels ? features.visibleModels(identity, config) : Object.keys(config.models);
      const created = Math.floor(Date.now() / 1000);
      if (api === 'anthropic') {
        const createdAt = new Date(created * 1000).toISOString();
        const data = names.map((id) => ({ type: 'model', id, display_name: id, created_at: createdAt }));
        sendJson(res, 200, { data, has_more: false, first_id: names[0] ?? null, last_id: names.at(-1) ?? null }, requestId);
        return;
      }
      const data = names.map((id) => ({ id, object: 'model', created, owned_by: ownerOf(config, id) }));
      sendJson(res, 200, { object: 'list', data }, requestId);
    } catch (err) {
      sendError(res, toGatewayError(err), api, { 'x-request-id': requestId });
    }
  }

  /** Anthropic's token counting: authenticated and validated like a call, answered by the gateway itself. */
  async function handleCountTokens(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const { config } = snap;
    try {
      if (features.authenticate) await features.authenticate(req.headers, config);
      const { model, input_tokens } = countMessageTokens(parseJsonObject(await readRequestBody(req, config.server.maxBodyBytes)));
      if (!resolveModel(config, model)) throw modelNotFound(model);
      sendJson(res, 200, { input_tokens }, requestId);
    } catch (err) {
      sendError(res, toGatewayError(err), 'anthropic', { 'x-request-id': requestId });
    }
  }

  async function handleReady(res: ServerResponse, requestId: string): Promise<void> {
    const all = [...(features.readiness ?? []), ...(features.mcp?.readiness ? [() => features.mcp!.readiness!()] : [])];
    const checks = await Promise.all(all.map((c) => c().catch((e: unknown) => ({ name: 'check', ok: false, detail: String(e) }))));
    const ok = accepting && checks.every((c) => c.ok);
    sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not_ready', accepting, config: 'loaded', checks }, requestId);
  }

  async function handleGetRoute(req: IncomingMessage, res: ServerResponse, fn: NonNullable<GatewayFeatures['getRoutes']>[string], requestId: string) {
    try {
      const identity = features.authenticate ? await features.authenticate(req.headers, snap.config) : undefined;
      sendJson(res, 200, await fn(identity, snap.config), requestId);
    } catch (err) {
      sendError(res, toGatewayError(err), 'openai', { 'x-request-id': requestId });
    }
  }

  function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> | void {
    const requestId = requestIdFrom(req.headers);
    const path = (req.url ?? '/').split('?')[0];
    const route = ROUTES[path];
    if (route) {
      if (req.method !== route.method) {
        res.setHeader('allow', route.method);
        return sendError(res, new GatewayError('GW_METHOD_NOT_ALLOWED', `method ${req.method} is not allowed on ${path}; use ${route.method}`), route.api, { 'x-request-id': requestId });
      }
      if (route.op) return handleLlm(req, res, route.api, route.op, requestId);
      if (path === '/v1/messages/count_tokens') return handleCountTokens(req, res, requestId);
      if (path.endsWith('/models')) return handleModels(req, res, requestId);
      if (path === '/healthz') return sendJson(res, 200, { status: 'ok' }, requestId);
      return handleReady(res, requestId);
    }
    const extra = features.getRoutes?.[path];
    if (extra && req.method === 'GET') return handleGetRoute(req, res, extra, requestId);
    if (features.mcp && (path === '/mcp' || path.startsWith('/mcp/') || path.startsWith('/.well-known/oauth-protected-resource'))) {
      return features.mcp.handle(req, res).then((handled) => {
        if (!handled) notFound(res, path, requestId);
      });
    }
    return notFound(res, path, requestId);
  }

  return {
    handle(req, res) {
      inFlight++;
      res.once('close', done);
      const p = dispatch(req, res);
      if (p) p.catch((err: unknown) => {
        deps.logger.error({ err }, 'unhandled request failure');
        if (!res.headersSent) sendError(res, toGatewayError(err), 'openai', {});
        else res.destroy();
      });
    },
    handleUpgrade(req, socket, head) {
      if (!features.mcp?.handleUpgrade?.(req, socket, head)) socket.destroy();
    },
    reload(config) {
      registryFor(config);
      snap = { config };
    },
    config: () => snap.config,
    inFlight: () => inFlight,
    stopAccepting() {
      accepting = false;
    },
    drain(timeoutMs) {
      if (inFlight === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          idleWaiters.delete(onIdle);
          resolve(false);
        }, timeoutMs);
        const onIdle = () => {
          clearTimeout(timer);
          idleWaiters.delete(onIdle);
          resolve(true);
        };
        idleWaiters.add(onIdle);
      });
    },
  };
}

function ownerOf(config: Config, id: string): string {
  const r = resolveModel(config, id);
  return r ? r.targets.map((t) => t.provider).join(',') : 'sluice';
}

function notFound(res: ServerResponse, path: string, requestId: string): void {
  sendError(res, new GatewayError('GW_NOT_FOUND', `no route for ${path}`, { clientCode: 'unknown_url' }), 'openai', { 'x-request-id': requestId });
}

function sendJson(res: ServerResponse, status: number, body: unknown, requestId: string): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'x-request-id': requestId });
  res.end(payload);
}
