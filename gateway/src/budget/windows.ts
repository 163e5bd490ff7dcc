import type { BudgetWindowConfig } from '../config/sections/budgets.js';

/** A budget window: calendar (resets at a local boundary) or rolling (slides with the clock). */
export type WindowSpec =
  | { kind: 'calendar'; unit: 'hourly' | 'daily' | 'monthly'; timeZone: string }
  | { kind: 'rolling'; durationMs: number };

/** The window containing `nowMs`. Rolling windows have no reset instant (`endMs` = now). */
export interface WindowBounds {
  startMs: number;
  endMs: number;
}

export function windowSpecOf(w: BudgetWindowConfig, timeZone: string): WindowSpec {
  return typeof w === 'string' ? { kind: 'calendar', unit: w, timeZone } : { kind: 'rolling', durationMs: w.rollingMs };
}

const HOUR_MS = 3_600_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The local wall-clock time of instant `ms` in `timeZone`. */
export function wallTime(timeZone: string, ms: number): Wall {
  const w: Wall = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatter(timeZone).formatToParts(ms)) {
    if (p.type in w) w[p.type as keyof Wall] = Number(p.value);
  }
  return w;
}

/** The wall time of `ms`, read as if it were UTC (so differences are the zone's offset). */
function wallAsUtcMs(timeZone: string, ms: number): number {
  const w = wallTime(timeZone, ms);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

/**
 * The first instant whose local wall time in `timeZone` is at or after y-mo-d h:00 (fields may
 * overflow: day 32 is next month). Inside a DST gap that is the transition itself.
 */
export function zonedStartMs(timeZone: string, year: number, month: number, day: number, hour: number): number {
  const target = Date.UTC(year, month - 1, day, hour);
  let t = target - (wallAsUtcMs(timeZone, target) - target);
  t = target - (wallAsUtcMs(timeZone, t) - t);
  if (wallAsUtcMs(timeZone, t) === target) return t;
  // The wall time does not exist (spring forward): binary-search the transition, to the ms.
  let lo = t - 3 * HOUR_MS;
  let hi = t + 3 * HOUR_MS;
  for (let i = 0; i < 64 && hi - lo > 1; i++) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallAsUtcMs(timeZone, mid) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The zone's UTC offset at instant `ms` (whole seconds). */
function offsetMs(timeZone: string, ms: number): number {
  return wallAsUtcMs(timeZone, ms) - Math.floor(ms / 1000) * 1000;
}

/** The first instant in (fromMs, toMs] whose offset differs from fromMs's (one transition at most). */
function transitionAfter(timeZone: string, fromMs: number, toMs: number): number {
  const before = offsetMs(timeZone, fromMs);
  let lo = fromMs;
  let hi = toMs;
  for (let i = 0; i < 64 && hi - lo > 1; i++) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetMs(timeZone, mid) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * The local hour containing `nowMs`: from the last whole local hour (or the offset change
 * since, when the zone shifted by less than an hour, as Lord Howe does) to the next one.
 * Around a fall-back each occurrence of the repeated hour is its own window.
 */
function localHour(timeZone: string, nowMs: number): WindowBounds {
  const w = wallTime(timeZone, nowMs);
  const intoHourMs = (w.minute * 60 + w.second) * 1000 + (((nowMs % 1000) + 1000) % 1000);
  let startMs = nowMs - intoHourMs;
  let endMs = startMs + HOUR_MS;
  const offset = offsetMs(timeZone, nowMs);
  if (offsetMs(timeZone, startMs) !== offset) startMs = transitionAfter(timeZone, startMs, nowMs);
  if (offsetMs(timeZone, endMs) !== offset) endMs = transitionAfter(timeZone, nowMs, endMs);
  return { startMs, endMs };
}

/** The calendar window containing `nowMs`: [start of the local hour/day/month, start of the next). */
export function calendarWindow(unit: 'hourly' | 'daily' | 'monthly', timeZone: string, nowMs: number): WindowBounds {
  if (unit === 'hourly') return localHour(timeZone, nowMs);
  const w = wallTime(timeZone, nowMs);
  if (unit === 'daily') {
    return { startMs: zonedStartMs(timeZone, w.year, w.month, w.day, 0), endMs: zonedStartMs(timeZone, w.year, w.month, w.day + 1, 0) };
  }
  return { startMs: zonedStartMs(timeZone, w.year, w.month, 1, 0), endMs: zonedStartMs(timeZone, w.year, w.month + 1, 1, 0) };
}

const lastCalendar = new Map<string, WindowBounds>();

/** The window of `spec` at `nowMs` (calendar windows memoized while the clock stays inside). */
export function windowAt(spec: WindowSpec, nowMs: number): WindowBounds {
  if (spec.kind === 'rolling') return { startMs: nowMs - spec.durationMs, endMs: nowMs };
  const key = `${spec.unit}\u0000${spec.timeZone}`;
  const hit = lastCalendar.get(key);
  if (hit && nowMs >= hit.startMs && nowMs < hit.endMs) return hit;
  const fresh = calendarWindow(spec.unit, spec.timeZone, nowMs);
  lastCalendar.set(key, fresh);
  return fresh;
}
