import type { ModelGroupConfig } from '../config/sections/models.js';
import type { RoutingSection } from '../config/sections/routing.js';

/** The routing settings one group runs with: gateway-wide defaults with the group's overrides applied. */
export type EffectiveRouting = RoutingSection;

const memo = new WeakMap<ModelGroupConfig, WeakMap<RoutingSection, EffectiveRouting>>();

/** Merges `group.routing` over `section`, field by field (memoised per frozen config snapshot). */
export function effectiveRouting(section: RoutingSection, group: ModelGroupConfig): EffectiveRouting {
  const o = group.routing;
  if (!o) return section;
  let bySection = memo.get(group);
  if (!bySection) {
    bySection = new WeakMap();
    memo.set(group, bySection);
  }
  let eff = bySection.get(section);
  if (!eff) {
    eff = {
      ...section,
      deadlineMs: o.deadlineMs ?? section.deadlineMs,
      retry: { ...section.retry, ...defined(o.retry), backoff: { ...section.retry.backoff, ...defined(o.retry?.backoff) } },
      breaker: { ...section.breaker, ...defined(o.breaker) },
      hedging: { ...section.hedging, ...defined(o.hedging) },
    };
    bySection.set(section, eff);
  }
  return eff;
}

/** Drops keys whose value is undefined, so they do not overwrite defaults when spread. */
function defined<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
