import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CollectorError, describeError } from './errors.js';
import { ROW_FORMAT_EXTENSIONS, rowFormatOf } from './model/row-format.js';
import type { Clock, Logger } from './logger.js';
import type { Spool, SpoolRecord } from './spool/spool.js';
import type { SpanStore } from './store/store.js';
import { createStoreHealth, isDataError, type StoreHealthSnapshot } from './store-health.js';

export interface BatchWriterOptions {
  spool: Spool;
  store: SpanStore;
  logger: Logger;
  clock: Clock;
  /** Start an insert once this many spans wait… */
  maxRows: number;
  /** …or once the oldest waiting span is this old. */
  flushMs: number;
  retryMinMs: number;
  retryMaxMs: number;
  /** Run before the first insert (schema migrations), retried like an insert. */
  prepare?: () => Promise<unknown>;
  /** Where batches the store refuses as invalid data are kept for inspection. */
  deadLetterDir: string;
}

export interface BatchWriterStats {
  insertedSpans: number;
  inserts: number;
  failedInserts: number;
  /** Spans the store refused as invalid data (dead-lettered, counted, logged). */
  droppedSpans: number;
  store: StoreHealthSnapshot;
}

export interface BatchWriter {
  /** New records are in the spool. */
  notify(): void;
  /** Resolves when everything spooled before the call is stored; rejects if the store fails. */
  forceFlush(): Promise<void>;
  stats(): BatchWriterStats;
  /** Stores what it can within `timeoutMs`; the rest stays spooled for the next start. Idempotent. */
  close(timeoutMs?: number): Promise<void>;
}

const range = (group: readonly SpoolRecord[]): { from: number; to: number } => ({ from: (group[0] as SpoolRecord).seq, to: (group.at(-1) as SpoolRecord).seq });
const rowsOf = (group: readonly SpoolRecord[]): number => group.reduce((n, r) => n + r.rows, 0);

/** Larger groups are split: one insert body stays well under a server's request limits. */
const MAX_GROUP_BYTES = 32 * 1024 * 1024;
const IDLE_WAIT_MS = 60_000;
/**
 * Groups inserted at once. One chDB insert keeps one core busy (parsing, parts, views);
 * with a second in flight the ingest bench stored ~1.3× the spans/s on two cores (the
 * receiver needs CPU too). Light load never has a second group to send.
 */
const MAX_IN_FLIGHT = 2;

type Outcome = { kind: 'stored' } | { kind: 'refused'; err: unknown } | { kind: 'failed'; err: unknown };

/** A group sent to the store, from launch until it is committed or given up. */
interface Flight {
  group: SpoolRecord[];
  /** Set once the insert settled (or failed before it was sent). */
  outcome: Outcome | undefined;
  /** Resolves when `outcome` is set; never rejects. */
  settled: Promise<void>;
  /** The records' bodies, inserted in order as one body (never joined into a copy). */
  bodies: Buffer[] | undefined;
}

/**
 * Drains the spool into the store in seq order: groups records by size or age, marks each
 * group pending in the spool cursor, inserts it with a deterministic dedup token, commits.
 * Up to two groups are in flight; a later one that lands first waits, since the cursor
 * only advances in seq order. A crash at any point redoes every pending group exactly,
 * with its own token, so each is stored once.
 */
export function createBatchWriter(o: BatchWriterOptions): BatchWriter {
  const health = createStoreHealth(o.store.info.location, o.logger, o.clock);
  const stats = { insertedSpans: 0, inserts: 0, failedInserts: 0, droppedSpans: 0 };
  const waiters: { upto: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  /** In seq order, contiguous after the committed records. */
  let flights: Flight[] = [];
  let prepared = o.prepare === undefined;
  let isolateUntil = 0;
  let stopping = false;
  let closeDeadlineMs = 0;
  let wake: ((reason: 'data' | 'flush' | 'landed') => void) | undefined;

  /** Waits `ms`, or less when woken; backoff waits ignore mere new data. */
  const sleep = (ms: number, onData: boolean): Promise<void> =>
    new Promise((resolve) => {
      const done = (reason?: 'data' | 'flush' | 'landed'): void => {
        if (reason === 'data' && !onData) return;
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      timer.unref();
      wake = done;
    });

  /** Records `recs[at…]` from the first one not yet sent: the next group and how long it may still wait. */
  function pickGroup(recs: readonly SpoolRecord[], at: number): { group: SpoolRecord[]; waitMs: number; stored: boolean } {
    const first = recs[at] as SpoolRecord;
    // Records of a group the store refused as invalid data go one by one (the refused
    // insert stored nothing, so regrouping cannot duplicate).
    if (first.seq <= isolateUntil) return { group: [first], waitMs: 0, stored: false };
    const pending = o.spool.cursor.pending;
    // A group marked pending before a crash or a failure is redone exactly, so its token
    // matches (or just committed, if it is known to have landed).
    const pend = pending.find((g) => first.seq >= g.from && first.seq <= g.to);
    if (pend !== undefined) {
      const group: SpoolRecord[] = [];
      for (let i = at; i < recs.length && (recs[i] as SpoolRecord).seq <= pend.to; i += 1) group.push(recs[i] as SpoolRecord);
      return { group, waitMs: 0, stored: pend.stored === true };
    }
    // A new group ends before the next pending one, which is redone on its own.
    const limit = pending.find((g) => g.from > first.seq)?.from ?? Infinity;
    const group: SpoolRecord[] = [];
    let rows = 0;
    let bytes = 0;
    let i = at;
    for (; i < recs.length; i += 1) {
      const r = recs[i] as SpoolRecord;
      if (r.seq >= limit || (group.length > 0 && (rows + r.rows > o.maxRows || bytes + r.payloadBytes > MAX_GROUP_BYTES))) break;
      group.push(r);
      rows += r.rows;
      bytes += r.payloadBytes;
    }
    const full = i < recs.length || rows >= o.maxRows;
    const ageMs = o.clock.now() - first.appendedAtMs;
    return { group, waitMs: full || stopping || waiters.length > 0 ? 0 : o.flushMs - ageMs, stored: false };
  }

  /** Index in `recs` of the first record after the groups in flight (and the committed ones). */
  function firstUnsent(recs: readonly SpoolRecord[]): number {
    const after = flights.length > 0 ? range((flights.at(-1) as Flight).group).to : o.spool.cursor.committed;
    let i = 0;
    while (i < recs.length && (recs[i] as SpoolRecord).seq <= after) i += 1;
    return i;
  }

  function settleWaiters(err?: unknown): void {
    const committed = o.spool.cursor.committed;
    const empty = o.spool.pending().length === 0;
    for (const w of [...waiters]) {
      if (err === undefined && !empty && w.upto > committed) continue;
      waiters.splice(waiters.indexOf(w), 1);
      if (err === undefined) w.resolve();
      else w.reject(new CollectorError('COL_STORE_UNAVAILABLE', `store ${o.store.info.location} unavailable: ${describeError(err)}`, { cause: err }));
    }
  }

  /**
   * Marks the group pending and sends it; returns once the insert is under way (its
   * outcome lands later). A group known to be stored is not sent again.
   */
  async function launch(picked: SpoolRecord[], stored: boolean): Promise<void> {
    const flight: Flight = { group: picked, outcome: undefined, settled: Promise.resolve(), bodies: undefined };
    flights.push(flight);
    if (stored) {
      flight.outcome = { kind: 'stored' };
      return;
    }
    try {
      if (!prepared) {
        await o.prepare?.();
        prepared = true;
      }
      // One insert, one format: a group ends where the spool switches format (once, at
      // the first start after an upgrade). A group marked pending never mixes formats.
      let bodies = await Promise.all(picked.map((r) => o.spool.read(r)));
      const format = rowFormatOf(bodies[0] as Buffer);
      const switchAt = bodies.findIndex((b) => rowFormatOf(b) !== format);
      if (switchAt > 0) {
        flight.group = picked.slice(0, switchAt);
        bodies = bodies.slice(0, switchAt);
      }
      const { from, to } = range(flight.group);
      if (!o.spool.cursor.pending.some((g) => g.from === from && g.to === to)) await o.spool.markPending(from, to);
      flight.bodies = bodies;
      flight.settled = o.store
        .insertBody('otel_traces', bodies, format, { dedupToken: `${o.spool.id}-${from}-${to}`, parallel: true })
        .then(
          () => {
            flight.outcome = { kind: 'stored' };
          },
          (err: unknown) => {
            flight.outcome = isDataError(err) ? { kind: 'refused', err } : { kind: 'failed', err };
          },
        )
        .finally(() => wake?.('landed'));
    } catch (err) {
      flight.outcome = { kind: 'failed', err };
    }
  }

  /**
   * Handles the oldest flight once it has an outcome. Stored: commit it, with the stored
   * ones right after it (one cursor write). Otherwise nothing after it can be committed:
   * wait for the others, note in the cursor which of them landed (so they are never sent
   * again: a resend long after, e.g. once this group is isolated record by record, could
   * fall outside the deduplication window), then refuse its bad data or back off.
   * Returns false when the writer should back off.
   */
  async function land(): Promise<boolean> {
    const head = flights[0] as Flight;
    if (head.outcome?.kind === 'stored') {
      let n = 1;
      while (flights[n]?.outcome?.kind === 'stored') n += 1;
      const done = flights.slice(0, n);
      try {
        await o.spool.commit(range((done.at(-1) as Flight).group).to);
      } catch (err) {
        return fail(err, 1);
      }
      flights = flights.slice(n);
      for (const f of done) {
        const rows = rowsOf(f.group);
        stats.inserts += 1;
        stats.insertedSpans += rows;
        health.succeeded({ spans: rows });
      }
      settleWaiters();
      return true;
    }
    await Promise.all(flights.map((f) => f.settled));
    const failures = flights.flatMap((f) => (f.outcome?.kind === 'failed' ? [f.outcome] : []));
    try {
      for (const f of flights.slice(1)) {
        const { from, to } = range(f.group);
        const marked = o.spool.cursor.pending.some((g) => g.from === from && g.stored === true);
        if (f.outcome?.kind === 'stored' && !marked) await o.spool.markStored(from, to);
      }
    } catch (err) {
      return fail(err, failures.length);
    }
    const outcome = head.outcome;
    // A refused group is isolated only when nothing after it is in doubt: a failed insert
    // may yet land, so it is resent first (after the backoff), while its token still counts.
    if (failures.length > 0 || outcome?.kind !== 'refused' || head.bodies === undefined) {
      return fail(failures[0]?.err, failures.length);
    }
    flights = [];
    await refuse(head.group, head.bodies, outcome.err);
    return true;
  }

  /** The store failed: give up the flights (they stay pending in the spool) and report it. */
  async function fail(err: unknown, failedInserts: number): Promise<false> {
    await Promise.all(flights.map((f) => f.settled));
    flights = [];
    stats.failedInserts += Math.max(1, failedInserts);
    const sp = o.spool.stats();
    health.failed(err, { spans: sp.rows, bytes: sp.bytes });
    settleWaiters(err);
    return false;
  }

  /** Invalid data: find the bad record alone, keep it on disk, count it, move on. */
  async function refuse(group: SpoolRecord[], bodies: readonly Buffer[], err: unknown): Promise<void> {
    const { from, to } = range(group);
    const rows = rowsOf(group);
    if (group.length > 1) {
      isolateUntil = to;
      o.logger.warn({ from, to, error: describeError(err) }, 'store refused a batch as invalid data; retrying its records one by one');
      return;
    }
    const body = bodies[0] as Buffer; // one record, one body
    await mkdir(o.deadLetterDir, { recursive: true });
    const file = join(o.deadLetterDir, `${o.spool.id}-${from}.${ROW_FORMAT_EXTENSIONS[rowFormatOf(body)]}`);
    await writeFile(file, body, { mode: 0o600 });
    await o.spool.commit(to);
    stats.droppedSpans += rows;
    o.logger.error({ seq: from, spans: rows, file, error: describeError(err) }, 'store refused spans as invalid data; they are dropped from the pipeline and kept in the dead-letter file');
    settleWaiters();
  }

  async function loop(): Promise<void> {
    let backoffMs = o.retryMinMs;
    for (;;) {
      if (flights[0]?.outcome !== undefined) {
        if (await land()) {
          backoffMs = o.retryMinMs;
          continue;
        }
        if (stopping) return;
        await sleep(backoffMs, false);
        backoffMs = Math.min(backoffMs * 2, o.retryMaxMs);
        continue;
      }
      const recs = o.spool.pending();
      const at = firstUnsent(recs);
      if (at === recs.length && flights.length === 0) {
        settleWaiters();
        if (stopping) return;
        await sleep(IDLE_WAIT_MS, true);
        continue;
      }
      const pastDeadline = stopping && o.clock.now() >= closeDeadlineMs;
      if (pastDeadline && flights.length === 0) return;
      // While a refused group is isolated, one record at a time: each must land or be
      // dead-lettered before the next is tried.
      const limit = isolateUntil > o.spool.cursor.committed ? 1 : MAX_IN_FLIGHT;
      let waitMs = IDLE_WAIT_MS;
      if (at < recs.length && !pastDeadline && flights.length < limit) {
        const picked = pickGroup(recs, at);
        if (picked.waitMs <= 0) {
          await launch(picked.group, picked.stored);
          continue;
        }
        waitMs = picked.waitMs;
      }
      // Until an insert lands, new data or a flush arrives, or the group is due.
      await sleep(waitMs, true);
    }
  }

  const running = loop().catch((err: unknown) => {
    o.logger.error({ error: describeError(err) }, 'batch writer stopped on an unexpected error; spooled spans are replayed on restart');
  });
  o.spool.onAppend(() => wake?.('data'));
  let closing: Promise<void> | undefined;

  return {
    notify: () => wake?.('data'),
    forceFlush() {
      const recs = o.spool.pending();
      if (recs.length === 0) return Promise.resolve();
      const upto = (recs.at(-1) as SpoolRecord).seq;
      return new Promise<void>((resolve, reject) => {
        waiters.push({ upto, resolve, reject });
        wake?.('flush');
      });
    },
    stats: () => ({ ...stats, store: health.snapshot() }),
    close(timeoutMs = 5000) {
      closing ??= (async () => {
        stopping = true;
        closeDeadlineMs = o.clock.now() + timeoutMs;
        wake?.('flush');
        // An insert in flight may outlive the deadline (a hung server); its batch stays
        // spooled and is deduplicated if it did land.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([running, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs + 1000)))]);
        clearTimeout(timer);
        for (const w of waiters.splice(0)) w.reject(new CollectorError('COL_SHUTTING_DOWN', 'the collector closed before the flush completed'));
      })();
      return closing;
    },
  };
}
