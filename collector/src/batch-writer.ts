import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CollectorError, describeError } from './errors.js';
import { rowFormatOf } from './model/row-format.js';
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
 * Drains the spool into the store in seq order: groups records by size or age, marks the
 * group pending in the spool cursor, inserts it with a deterministic dedup token, commits.
 * A crash at any point replays the same group with the same token, so it is stored once.
 */
export function createBatchWriter(o: BatchWriterOptions): BatchWriter {
  const health = createStoreHealth(o.store.info.location, o.logger, o.clock);
  const stats = { insertedSpans: 0, inserts: 0, failedInserts: 0, droppedSpans: 0 };
  const waiters: { upto: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  let prepared = o.prepare === undefined;
  let isolateUntil = 0;
  let stopping = false;
  let closeDeadlineMs = 0;
  let wake: ((reason: 'data' | 'flush') => void) | undefined;
  let groupBuffer: Buffer | undefined;

  /** Waits `ms`, or less when woken; backoff waits ignore mere new data. */
  const sleep = (ms: number, onData: boolean): Promise<void> =>
    new Promise((resolve) => {
      const done = (reason?: 'data' | 'flush'): void => {
        if (reason === 'data' && !onData) return;
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      timer.unref();
      wake = done;
    });

  function pickGroup(recs: readonly SpoolRecord[]): { group: SpoolRecord[]; waitMs: number } {
    const first = recs[0] as SpoolRecord;
    // Records of a group the store refused as invalid data go one by one (the refused
    // insert stored nothing, so regrouping cannot duplicate).
    if (first.seq <= isolateUntil) return { group: [first], waitMs: 0 };
    const pend = o.spool.cursor.pending;
    // A group marked pending before a crash is redone exactly, so its token matches.
    if (pend !== undefined && first.seq >= pend.from && first.seq <= pend.to) return { group: recs.filter((r) => r.seq <= pend.to), waitMs: 0 };
    const group: SpoolRecord[] = [];
    let rows = 0;
    let bytes = 0;
    for (const r of recs) {
      if (group.length > 0 && (rows + r.rows > o.maxRows || bytes + r.payloadBytes > MAX_GROUP_BYTES)) break;
      group.push(r);
      rows += r.rows;
      bytes += r.payloadBytes;
    }
    const full = group.length < recs.length || rows >= o.maxRows;
    const ageMs = o.clock.now() - first.appendedAtMs;
    return { group, waitMs: full || stopping || waiters.length > 0 ? 0 : o.flushMs - ageMs };
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

  async function attempt(picked: SpoolRecord[]): Promise<'ok' | 'failed'> {
    let group = picked;
    let body: Buffer | undefined;
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
        group = picked.slice(0, switchAt);
        bodies = bodies.slice(0, switchAt);
      }
      const { from, to } = range(group);
      const pend = o.spool.cursor.pending;
      if (pend?.from !== from || pend.to !== to) await o.spool.markPending(from, to);
      body = joined(bodies);
      await o.store.insertBody('otel_traces', body, format, { dedupToken: `${o.spool.id}-${from}-${to}` });
      await o.spool.commit(to);
      const rows = rowsOf(group);
      stats.inserts += 1;
      stats.insertedSpans += rows;
      health.succeeded({ spans: rows });
      settleWaiters();
      return 'ok';
    } catch (err) {
      // A failed insert may not be done with its body (a server request still being cut):
      // never write into it again.
      groupBuffer = undefined;
      if (prepared && body !== undefined && isDataError(err)) {
        await refuse(group, body, err);
        return 'ok';
      }
      stats.failedInserts += 1;
      const sp = o.spool.stats();
      health.failed(err, { spans: sp.rows, bytes: sp.bytes });
      settleWaiters(err);
      return 'failed';
    }
  }

  /**
   * A group's records as one body. Multi-record bodies are assembled in a buffer kept
   * while the spool has work: allocating ~25 MB per insert made V8 run a full GC every
   * other insert (external memory pressure).
   */
  function joined(bodies: Buffer[]): Buffer {
    if (bodies.length === 1) return bodies[0] as Buffer;
    const total = bodies.reduce((n, b) => n + b.length, 0);
    if (groupBuffer === undefined || groupBuffer.length < total) groupBuffer = Buffer.allocUnsafe(total);
    let at = 0;
    for (const b of bodies) at += b.copy(groupBuffer, at);
    return groupBuffer.subarray(0, total);
  }

  /** Invalid data: find the bad record alone, keep it on disk, count it, move on. */
  async function refuse(group: SpoolRecord[], body: Buffer, err: unknown): Promise<void> {
    const { from, to } = range(group);
    const rows = rowsOf(group);
    if (group.length > 1) {
      isolateUntil = to;
      o.logger.warn({ from, to, error: describeError(err) }, 'store refused a batch as invalid data; retrying its records one by one');
      return;
    }
    await mkdir(o.deadLetterDir, { recursive: true });
    const file = join(o.deadLetterDir, `${o.spool.id}-${from}${rowFormatOf(body) === 'JSONEachRow' ? '.jsonl' : '.tsv'}`);
    await writeFile(file, body, { mode: 0o600 });
    await o.spool.commit(to);
    stats.droppedSpans += rows;
    o.logger.error({ seq: from, spans: rows, file, error: describeError(err) }, 'store refused spans as invalid data; they are dropped from the pipeline and kept in the dead-letter file');
    settleWaiters();
  }

  async function loop(): Promise<void> {
    let backoffMs = o.retryMinMs;
    for (;;) {
      const recs = o.spool.pending();
      if (recs.length === 0) {
        groupBuffer = undefined; // idle: give the memory back
        settleWaiters();
        if (stopping) return;
        await sleep(IDLE_WAIT_MS, true);
        continue;
      }
      if (stopping && o.clock.now() >= closeDeadlineMs) return;
      const { group, waitMs } = pickGroup(recs);
      if (waitMs > 0) {
        await sleep(waitMs, true);
        continue;
      }
      if ((await attempt(group)) === 'ok') {
        backoffMs = o.retryMinMs;
        continue;
      }
      if (stopping) return;
      await sleep(backoffMs, false);
      backoffMs = Math.min(backoffMs * 2, o.retryMaxMs);
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
