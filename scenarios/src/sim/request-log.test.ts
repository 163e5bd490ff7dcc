import { describe, expect, it } from 'vitest';
import { RequestLog, redactHeaders, type RecordedRequest } from './request-log.js';
import { StatsCounter } from './sim-stats.js';

const record = (seq: number): RecordedRequest => ({ seq, atMs: seq, method: 'POST', path: '/p', headers: {}, body: { seq } });

describe('RequestLog', () => {
  it('keeps the newest records up to its capacity, oldest first, as copies', () => {
    const log = new RequestLog(3);
    for (let seq = 0; seq < 5; seq++) log.add(record(seq));
    expect(log.recent().map((r) => r.seq)).toEqual([2, 3, 4]);
    expect(log.recent(2).map((r) => r.seq)).toEqual([3, 4]);
    const copy = log.recent(1)[0]!;
    copy.path = '/changed';
    expect(log.recent(1)[0]?.path).toBe('/p');
    log.clear();
    expect(log.recent()).toEqual([]);
  });

  it('records nothing with capacity 0', () => {
    const log = new RequestLog(0);
    log.add(record(1));
    expect(log.recent()).toEqual([]);
  });

  it('redacts credential headers', () => {
    expect(redactHeaders({ authorization: 'Bearer sk-1', 'x-api-key': 'k', 'api-key': 'a', 'content-type': 'application/json' })).toEqual({
      authorization: '[present]',
      'x-api-key': '[present]',
      'api-key': '[present]',
      'content-type': 'application/json',
    });
  });
});

describe('StatsCounter', () => {
  it('counts and resets everything but in-flight requests', () => {
    const stats = new StatsCounter();
    stats.started('/a');
    stats.started('/a');
    stats.model('m');
    stats.faults(['refuse']);
    stats.finished(undefined, false);
    expect(stats.snapshot()).toMatchObject({ total: 2, inFlight: 1, byPath: { '/a': 2 }, byStatus: { none: 1 }, byFault: { refuse: 1 } });
    stats.reset();
    expect(stats.snapshot()).toMatchObject({ total: 0, inFlight: 1, byPath: {} });
    stats.finished(200, true);
    expect(stats.snapshot()).toMatchObject({ inFlight: 0, clientAborts: 1, byStatus: { '200': 1 } });
  });
});
