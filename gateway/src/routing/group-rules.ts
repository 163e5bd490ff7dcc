import { type ModelGroupConfig, type Strategy, targetIdOf } from '../config/sections/models.js';
import { type FactsPredicate, type RequestFacts, compileCondition } from './rule-match.js';

export interface CompiledRule {
  name: string;
  matches: FactsPredicate;
  /** Indexes into the group's targets (config order). */
  indexes: readonly number[];
  strategy: Strategy | undefined;
  failover: 'within' | 'group';
}

/** Which of a group's targets a request may use, and how each part is ordered. */
export interface Selection {
  /** Name of the rule that matched, if any. */
  rule: string | undefined;
  /** Tried first, ordered by `strategy`. */
  primary: readonly number[];
  /** Tried after `primary` (a rule with `failover: group`), ordered by the group's strategy. */
  fallback: readonly number[];
  strategy: Strategy;
}

const compiled = new WeakMap<ModelGroupConfig, CompiledRule[]>();

/** Compiles a group's rules once per config snapshot (the config is frozen, so the object is the key). */
export function compileRules(groupName: string, group: ModelGroupConfig): CompiledRule[] {
  let rules = compiled.get(group);
  if (!rules) {
    const ids = group.targets.map((t) => targetIdOf(t, groupName));
    rules = group.rules.map((r, i) => ({
      name: r.name ?? `rule-${i}`,
      matches: compileCondition(r.when),
      indexes: group.targets.flatMap((t, ti) => ((r.use.targets ?? []).includes(ids[ti]) || t.tags.some((tag) => r.use.tags?.includes(tag)) ? [ti] : [])),
      strategy: r.strategy,
      failover: r.failover,
    }));
    compiled.set(group, rules);
  }
  return rules;
}

/** The first matching rule's targets (then, with `failover: group`, the rest); all targets when none matches. */
export function selectTargets(rules: readonly CompiledRule[], group: ModelGroupConfig, facts: RequestFacts): Selection {
  const all = group.targets.map((_, i) => i);
  for (const r of rules) {
    if (!r.matches(facts)) continue;
    const fallback = r.failover === 'group' ? all.filter((i) => !r.indexes.includes(i)) : [];
    return { rule: r.name, primary: r.indexes, fallback, strategy: r.strategy ?? group.strategy };
  }
  return { rule: undefined, primary: all, fallback: [], strategy: group.strategy };
}
