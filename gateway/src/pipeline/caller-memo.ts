import type { Identity } from './context.js';

/**
 * Per-caller results of a pure function of (config section, identity, key) — which budgets
 * or rate limits apply to a caller and model — computed once instead of on every request.
 * Keyed by object identity: a reloaded config or a new identity object starts afresh, and
 * both are dropped with their objects (WeakMaps). Keys per caller are bounded.
 */
export class CallerMemo<S extends object, V> {
  readonly #bySection = new WeakMap<S, WeakMap<Identity, Map<string, V>>>();

  constructor(
    readonly compute: (section: S, identity: Identity, key: string) => V,
    readonly maxKeysPerCaller = 256,
  ) {}

  get(section: S, identity: Identity, key: string): V {
    let byIdentity = this.#bySection.get(section);
    if (!byIdentity) {
      byIdentity = new WeakMap();
      this.#bySection.set(section, byIdentity);
    }
    let byKey = byIdentity.get(identity);
    if (!byKey) {
      byKey = new Map();
      byIdentity.set(identity, byKey);
    }
    let v = byKey.get(key);
    if (v === undefined) {
      v = this.compute(section, identity, key);
      if (byKey.size >= this.maxKeysPerCaller) byKey.clear();
      byKey.set(key, v);
    }
    return v;
  }
}
