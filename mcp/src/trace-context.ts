import { context as otelContext, type Context, ROOT_CONTEXT, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * W3C trace context in JSON-RPC `params._meta` (`traceparent`, `tracestate`, unprefixed, as
 * the MCP semantic conventions and SEP-414 say). The propagator is used directly, not through
 * the global API, so it works whether or not the process registered one.
 */
const propagator = new W3CTraceContextPropagator();

type Carrier = Record<string, unknown>;

const getter: TextMapGetter<Carrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const v = carrier[key];
    return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
  },
};
const setter: TextMapSetter<Carrier> = { set: (carrier, key, value) => { carrier[key] = value; } };

/** The remote parent carried by `_meta` (or HTTP headers), else the root context. */
export function extractContext(carrier: unknown, base: Context = ROOT_CONTEXT): Context {
  if (carrier === null || typeof carrier !== 'object') return base;
  return propagator.extract(base, carrier as Carrier, getter);
}

/** A copy of `meta` with the span context of `ctx` injected. */
export function injectContext(ctx: Context, meta: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Carrier = { ...(meta ?? {}) };
  delete out.traceparent;
  delete out.tracestate;
  propagator.inject(ctx, out, setter);
  return out;
}

export const activeContext = (): Context => otelContext.active();
