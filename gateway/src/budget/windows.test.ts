import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calendarWindow, wallTime, windowAt, zonedStartMs } from './windows.js';

const ZONES = ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/Santiago', 'Pacific/Chatham', 'America/St_Johns'];

describe('calendar windows', () => {
  it('starts a day at local midnight and ends at the next, across DST', () => {
    // 2025-03-09 is 23 hours long in New York.
    const w = calendarWindow('daily', 'America/New_York', Date.UTC(2025, 2, 9, 12));
    expect(new Date(w.startMs).toISOString()).toBe('2025-03-09T05:00:00.000Z');
    expect(new Date(w.endMs).toISOString()).toBe('2025-03-10T04:00:00.000Z');
  });

  it('starts a day that has no midnight at the DST transition', () => {
    // Chile springs forward at 00:00 on 2025-09-07: the day begins at 01:00 local.
    const w = calendarWindow('daily', 'America/Santiago', Date.UTC(2025, 8, 7, 15));
    expect(new Date(w.startMs).toISOString()).toBe('2025-09-07T04:00:00.000Z');
    expect(wallTime('America/Santiago', w.startMs)).toMatchObject({ day: 7, hour: 1, minute: 0 });
    expect(wallTime('America/Santiago', w.startMs - 1)).toMatchObject({ day: 6, hour: 23 });
  });

  it('aligns hours and months to the zone, including half-hour offsets', () => {
    const h = calendarWindow('hourly', 'Asia/Kolkata', Date.UTC(2025, 0, 1, 10, 10));
    expect(new Date(h.startMs).toISOString()).toBe('2025-01-01T09:30:00.000Z');
    expect(h.endMs - h.startMs).toBe(3_600_000);
    const m = calendarWindow('monthly', 'Europe/Paris', Date.UTC(2025, 1, 10));
    expect(new Date(m.startMs).toISOString()).toBe('2025-01-31T23:00:00.000Z');
    expect(new Date(m.endMs).toISOString()).toBe('2025-02-28T23:00:00.000Z');
  });

  it('rolls over December into January', () => {
    const m = calendarWindow('monthly', 'UTC', Date.UTC(2025, 11, 31, 23, 59));
    expect(new Date(m.endMs).toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('property: windows contain now, tile time, and start on a local boundary', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.constantFrom('hourly' as const, 'daily' as const, 'monthly' as const),
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
        (tz, unit, now) => {
          const w = calendarWindow(unit, tz, now);
          if (!(w.startMs <= now && now < w.endMs)) return false;
          // The window before ends where this one starts: no gap, no overlap.
          if (calendarWindow(unit, tz, w.startMs - 1).endMs !== w.startMs) return false;
          const s = wallTime(tz, w.startMs);
          const before = wallTime(tz, w.startMs - 1);
          // An hour starts on a whole local hour, or where the offset changed (wall clock jumped).
          const jumped = Date.UTC(s.year, s.month - 1, s.day, s.hour, s.minute, s.second) - Date.UTC(before.year, before.month - 1, before.day, before.hour, before.minute, before.second) !== 1000;
          if (unit === 'hourly') return s.second === 0 && (s.minute === 0 || jumped);
          if (unit === 'daily') return before.day !== s.day;
          return s.day === 1 && before.month !== s.month;
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('splits the hours around DST changes, including half-hour shifts', () => {
    // Paris falls back at 01:00Z on 2024-10-27: 02:00–03:00 local happens twice, two windows.
    const first = calendarWindow('hourly', 'Europe/Paris', Date.UTC(2024, 9, 27, 0, 30));
    const second = calendarWindow('hourly', 'Europe/Paris', Date.UTC(2024, 9, 27, 1, 30));
    expect([first.startMs, first.endMs, second.endMs]).toEqual([Date.UTC(2024, 9, 27, 0), Date.UTC(2024, 9, 27, 1), Date.UTC(2024, 9, 27, 2)]);
    // Lord Howe springs forward 30 minutes (02:00 → 02:30 local at 15:30Z): a 30-minute hour.
    const short = calendarWindow('hourly', 'Australia/Lord_Howe', Date.UTC(2024, 9, 5, 15, 40));
    expect(short).toEqual({ startMs: Date.UTC(2024, 9, 5, 15, 30), endMs: Date.UTC(2024, 9, 5, 16, 0) });
  });

  it('zonedStartMs accepts overflowing fields', () => {
    expect(zonedStartMs('UTC', 2025, 13, 1, 0)).toBe(Date.UTC(2026, 0, 1));
  });

  it('rolling windows slide with the clock', () => {
    expect(windowAt({ kind: 'rolling', durationMs: 1000 }, 5000)).toEqual({ startMs: 4000, endMs: 5000 });
  });
});
