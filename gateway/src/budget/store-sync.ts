import { randomUUID } from 'node:crypto';
import type { BudgetRuleConfig, BudgetsSection } from '../config/sections/budgets.js';
import { layoutFor, type BudgetLedger } from './ledger.js';
import type { ReplicaRegistry } from './replica-registry.js';
import type { UsageRow, UsageSource } from './usage-source.js';
import { windowSpecOf } from './windows.js';

/**
 * Fills the ledger from the shared store. `load` (at start) reads each budget's whole
 * current window and counts it as this process's own too, so a restart forgets nothing.
 * `sync` (every `syncIntervalMs`) re-reads only the last `refreshHorizonMs` of buckets —
 * older ones no longer change — unless a budget's window or selection changed, in which
 * case it reads the whole window again. Other replicas' spend enters the ledger here, and
 * with `replicas` > 1 each budget's headroom is shared out anew (`replica-share.ts`).
 */
export class StoreSync {
  readonly #ledger: BudgetLedger;
  readonly #source: UsageSource;
  /** Per budget: what its last full read covered (window layout + selection). */
  readonly #loaded = new Map<string, string>();
  readonly #registry: ReplicaRegistry | undefined;
  /** This replica in the registry (one per ledger). */
  readonly #instance = randomUUID();
  /** `replicas: auto`: the last count (1 until the registry first answers). */
  #counted = 1;

  constructor(ledger: BudgetLedger, source: UsageSource, registry?: ReplicaRegistry) {
    this.#ledger = ledger;
    this.#source = source;
    this.#registry = registry;
  }

  /** The replicas the registry counted at the last sync that counted (1 before any). */
  get counted(): number {
    return this.#counted;
  }

  /**
   * How many replicas share the budgets now: the configured number, or with `auto` the
   * registry's count. `count` heartbeats and counts even when the budgets do not need it
   * (`rateLimits.replicas: auto` uses the same count).
   */
  async #replicas(section: BudgetsSection, count: boolean): Promise<number> {
    if (count && this.#registry) {
      const nowMs = this.#ledger.now();
      // A failed heartbeat keeps the last count: the usage read below fails the same way.
      this.#counted = await this.#registry.heartbeatAndCount(this.#instance, nowMs, nowMs - 3 * section.syncIntervalMs).catch(() => this.#counted);
    }
    return section.replicas === 'auto' ? this.#counted : section.replicas;
  }

  /** `countReplicas`: heartbeat and count in the registry whatever `section.replicas` says. */
  async refresh(section: BudgetsSection, mode: 'load' | 'sync', countReplicas = section.replicas === 'auto'): Promise<void> {
    const failures: unknown[] = [];
    const replicas = await this.#replicas(section, countReplicas);
    this.#ledger.startShares(replicas, this.#ledger.now() + section.syncIntervalMs);
    await Promise.all(section.rules.map((rule) => this.#refreshRule(section, rule, mode, replicas).catch((err: unknown) => failures.push(err))));
    if (failures.length > 0) throw new AggregateError(failures, `budget store ${mode} failed for ${failures.length} budget(s)`);
    if (mode === 'sync') this.#ledger.prune();
  }

  async #refreshRule(section: BudgetsSection, rule: BudgetRuleConfig, mode: 'load' | 'sync', replicas: number): Promise<void> {
    const spec = windowSpecOf(rule.window, rule.timezone ?? section.timezone);
    const nowMs = this.#ledger.now();
    const layout = layoutFor(spec, nowMs);
    const align = (ms: number) => layout.originMs + Math.floor((ms - layout.originMs) / layout.bucketMs) * layout.bucketMs;
    const fullKey = JSON.stringify([layout.key, rule.per, rule.match, rule.includeToolCalls, rule.limitUsd !== undefined]);
    const full = mode === 'load' || this.#loaded.get(rule.name) !== fullKey;
    const windowFrom = align(layout.window.startMs);
    const fromMs = full ? windowFrom : Math.max(windowFrom, align(nowMs - section.refreshHorizonMs));
    const rows = await this.#source.usageBuckets({ rule, fromMs, originMs: layout.originMs, bucketMs: layout.bucketMs });
    // A calendar window that turned over while the query ran: these rows are the old window's.
    if (layoutFor(spec, this.#ledger.now()).key !== layout.key) return;
    this.#apply(rule.name, spec, rows, fromMs, mode === 'load');
    this.#loaded.set(rule.name, fullKey);
    // Fresh totals: each replica takes its share of what is left until the next sync.
    this.#ledger.renewShares(rule.name, replicas, this.#ledger.now() + section.syncIntervalMs);
  }

  #apply(name: string, spec: ReturnType<typeof windowSpecOf>, rows: readonly UsageRow[], fromMs: number, inherit: boolean): void {
    const bySubject = new Map<string, UsageRow[]>();
    for (const r of rows) {
      const list = bySubject.get(r.subject);
      if (list) list.push(r);
      else bySubject.set(r.subject, [r]);
    }
    const subjects = new Set([...bySubject.keys(), ...this.#ledger.entries().filter((e) => e.name === name).map((e) => e.subject)]);
    for (const subject of subjects) {
      const { counter } = this.#ledger.counter(name, subject, spec);
      const seen = new Set<number>();
      for (const r of bySubject.get(subject) ?? []) {
        const b = counter.bucketOf(r.bucketStartMs);
        seen.add(b);
        counter.setStore(b, { costMicroUsd: r.costMicroUsd, tokens: r.tokens }, inherit);
      }
      counter.clearStoreFrom(fromMs, seen);
    }
  }
}
