import { performance } from 'node:perf_hooks';
import { HEADER, SLUICE } from '../../../collector/src/model/semconv.js';
import type { RequestCtx } from '../pipeline/context.js';
import type { Outcome } from '../pipeline/outcome.js';
import type { Stage } from '../pipeline/stage.js';
import type { CacheHit } from './cache-engine.js';
import { type CaptureOptions, captureAnswer } from './capture-answer.js';
import { jsonReply, streamReply } from './replay.js';
import { type PlanDeps, type RequestPlan, planRequest } from './request-plan.js';
import { savedMicroUsd } from './saved-cost.js';

/** Which tier served a hit (`memory` | `clickhouse`), next to `x-sluice-cache`. */
export const CACHE_TIER_HEADER = 'x-sluice-cache-tier';

export interface CacheStageDeps extends PlanDeps {
  /** Wall-clock ms (entry ages and TTLs are shared with other replicas through the store). */
  now: () => number;
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * The cache stage: answers from the exact or semantic cache (hot tier, then the shared
 * store), else calls `next()` and stores the answer once it completed normally. It wraps
 * `guardResponse`, so what it stores is what the guardrails let through.
 */
export function cacheStage(deps: CacheStageDeps): Stage {
  const { stats } = deps.engine;
  return async function cache(ctx, next) {
    if (ctx.operation !== 'chat') return next();
    const plan = planRequest(ctx, deps);
    if (!plan) return next();
    if (!plan.access.read && !plan.access.write) {
      ctx.responseHeaders[HEADER.CACHE] = 'bypass';
      return next();
    }
    stats.requests++;
    const started = performance.now();
    const hit = plan.access.read ? await lookup(plan, deps) : undefined;
    ctx.attrs[SLUICE.CACHE_LOOKUP_MS] = round(performance.now() - started, 3);
    if (hit) return serveHit(ctx, hit, deps);

    ctx.attrs[SLUICE.CACHE_HIT] = false;
    ctx.responseHeaders[HEADER.CACHE] = plan.access.read ? 'miss' : 'bypass';
    if (plan.access.read) stats.misses++;
    else stats.bypassed++;
    // The vector is needed to store a semantic entry: fetch it while the model answers.
    if (plan.access.write && plan.scope !== undefined) void plan.embed();
    const out = await next();
    return plan.access.write ? captureAnswer(out, storeWhenDone(ctx, plan, deps)) : out;
  };
}

/** Exact (memory, store), then semantic (memory, store) when the route has it. */
async function lookup(plan: RequestPlan, deps: CacheStageDeps): Promise<CacheHit | undefined> {
  const { engine } = deps;
  const { section, input, key, scope } = plan;
  // Start embedding while the store is asked for an exact match (both may be needed).
  if (scope !== undefined && !engine.hot.getExact(key, input.tenant, deps.now())) void plan.embed();
  const exact = await engine.exact(section, input.tenant, key, plan.note);
  if (exact || scope === undefined) return exact;
  const e = await plan.embed();
  if (!e?.ok) return undefined;
  return engine.semantic(section, input.tenant, scope, e.vector, plan.settings.semantic.threshold, plan.note);
}

function storeWhenDone(ctx: RequestCtx, plan: RequestPlan, deps: CacheStageDeps): CaptureOptions {
  const { engine } = deps;
  const { section, input, key, scope } = plan;
  return {
    cacheableFinishReasons: section.cacheableFinishReasons,
    maxEntryBytes: section.maxEntryBytes,
    requestBody: ctx.body,
    servedBy: () => ctx.target?.id,
    done: (r) => {
      if ('skip' in r) {
        engine.stats.notCacheable++;
        return;
      }
      const createdAtMs = deps.now();
      const entry = { key, tenant: input.tenant, route: input.route.group, template: input.template, scope: '', answer: r.answer, createdAtMs, expiresAtMs: createdAtMs + plan.settings.ttlMs };
      const pending = scope === undefined ? undefined : plan.embed();
      if (!pending || scope === undefined) return engine.save(section, entry);
      // Without a vector (embeddings failed) the answer is still good for exact hits.
      void pending.then((e) => engine.save(section, e.ok ? { ...entry, scope, vector: e.vector } : entry));
    },
  };
}

function serveHit(ctx: RequestCtx, hit: CacheHit, deps: CacheStageDeps): Outcome {
  const { stats } = deps.engine;
  stats.hits++;
  stats.hitsByKind[hit.kind]++;
  stats.hitsByTier[hit.tier]++;
  // Budgets read this flag and charge a hit nothing (or `cacheHitChargeFraction`).
  ctx.attrs[SLUICE.CACHE_HIT] = true;
  ctx.attrs[SLUICE.CACHE_KIND] = hit.kind;
  ctx.attrs[SLUICE.CACHE_TIER] = hit.tier;
  if (hit.similarity !== undefined) ctx.attrs[SLUICE.CACHE_SIMILARITY] = round(hit.similarity, 4);
  const saved = savedMicroUsd(ctx.config, hit.answer, ctx.model);
  if (saved !== undefined) {
    ctx.attrs[SLUICE.CACHE_SAVED_MICRO_USD] = saved;
    stats.savedMicroUsd += saved;
  }
  ctx.responseHeaders[HEADER.CACHE] = `hit-${hit.kind}`;
  ctx.responseHeaders[CACHE_TIER_HEADER] = hit.tier;
  const wallNowMs = deps.now();
  if (!ctx.stream) return jsonReply(hit.answer, wallNowMs, ctx.now() - ctx.receivedAtMs);
  const { replay } = ctx.config.cache;
  const clientWantsUsage = (ctx.body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  return streamReply(hit.answer, { chunkChars: replay.chunkChars, paceMs: replay.paceMs, wallNowMs, now: ctx.now, receivedAtMs: ctx.receivedAtMs, clientWantsUsage, signal: ctx.signal });
}
