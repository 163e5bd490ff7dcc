/**
 * The backend half of the Grafana ClickHouse plugin's query pipeline: comment stripping,
 * then macro interpolation like sqlds `Interpolate` (macros applied longest name first, a
 * macro name must end at a word boundary, arguments only in brackets right after the name,
 * split on top-level commas and trimmed, every occurrence of a match replaced). Expansions
 * are the plugin's `pkg/macros` (ClickHouse) plus the sqlds defaults it keeps.
 */
export interface TimeContext {
  from: Date;
  to: Date;
  /** Grafana's computed interval for the panel. */
  intervalMs: number;
}

export class MacroError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MacroError';
  }
}

type Macro = (ctx: TimeContext, args: readonly string[]) => string;

const sec = (d: Date): number => Math.floor(d.getTime() / 1000);
const dateTime = (d: Date): string => `toDateTime(${sec(d)})`;
const dateTime64 = (d: Date): string => `fromUnixTimestamp64Milli(${d.getTime()})`;
const date = (d: Date): string => `toDate('${d.toISOString().slice(0, 10)}')`;
const intervalSec = (ctx: TimeContext): number => Math.trunc(Math.max(ctx.intervalMs / 1000, 1));
const intervalMsOf = (ctx: TimeContext): number => Math.trunc(Math.max(ctx.intervalMs, 1));

function want(name: string, args: readonly string[], n: number): void {
  if (args.length !== n) throw new MacroError(`$__${name}: expected ${n} argument${n === 1 ? '' : 's'}, received ${args.length}`);
}

/** `5m`, `30s`, `1h`, `250ms` → ms (Go `time.ParseDuration` subset used by `$__timeGroup`). */
function durationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim().replace(/^['"]|['"]$/g, ''));
  if (!m) throw new MacroError(`$__timeGroup: invalid interval "${text}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

/** Macro name (without `$__`) → expansion. */
export const CLICKHOUSE_MACROS: Readonly<Record<string, Macro>> = {
  fromTime: (c) => dateTime(c.from),
  toTime: (c) => dateTime(c.to),
  fromTime_ms: (c) => dateTime64(c.from),
  toTime_ms: (c) => dateTime64(c.to),
  timeFilter: (c, a) => (want('timeFilter', a, 1), `${a[0]} >= ${dateTime(c.from)} AND ${a[0]} <= ${dateTime(c.to)}`),
  timeFilter_ms: (c, a) => (want('timeFilter_ms', a, 1), `${a[0]} >= ${dateTime64(c.from)} AND ${a[0]} <= ${dateTime64(c.to)}`),
  dateFilter: (c, a) => (want('dateFilter', a, 1), `${a[0]} >= ${date(c.from)} AND ${a[0]} <= ${date(c.to)}`),
  dateTimeFilter: (c, a) => dateTimeFilter(c, a),
  dt: (c, a) => dateTimeFilter(c, a),
  timeFrom: (c, a) => (want('timeFrom', a, 1), `${a[0]} >= ${dateTime(c.from)}`),
  timeTo: (c, a) => (want('timeTo', a, 1), `${a[0]} <= ${dateTime(c.to)}`),
  timeInterval: (c, a) => (want('timeInterval', a, 1), `toStartOfInterval(toDateTime(${a[0]}), INTERVAL ${intervalSec(c)} second)`),
  timeInterval_ms: (c, a) => (want('timeInterval_ms', a, 1), `toStartOfInterval(toDateTime64(${a[0]}, 3), INTERVAL ${intervalMsOf(c)} millisecond)`),
  interval_s: (c) => String(intervalSec(c)),
  timeGroup: (_c, a) => (want('timeGroup', a, 2), `toStartOfInterval(toDateTime(${a[0]}), INTERVAL ${Math.trunc(durationMs(a[1]) / 1000)} second)`),
  // sqlds defaults; Grafana's frontend normally replaces these two before the backend runs.
  interval: () => '5m',
  interval_ms: () => '300000',
};

function dateTimeFilter(c: TimeContext, a: readonly string[]): string {
  want('dateTimeFilter', a, 2);
  return `(${a[0]} >= ${date(c.from)} AND ${a[0]} <= ${date(c.to)}) AND (${a[1]} >= ${dateTime(c.from)} AND ${a[1]} <= ${dateTime(c.to)})`;
}

/** `--` and `/* *\/` comments outside quotes become a space (quotes: '…' with \' and '', "…", `…`). */
export function stripComments(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === '\\') j += 2;
        else if (sql[j] === c && sql[j + 1] === c) j += 2;
        else if (sql[j] === c) break;
        else j++;
      }
      out += sql.slice(i, j + 1);
      i = j + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      out += ' ';
      i = nl === -1 ? sql.length : nl;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      out += ' ';
      i = close === -1 ? sql.length : close + 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** sqlds `parseArgs`: a bracketed list right after the name; `length` -1 when unclosed. */
function parseArgs(rest: string): { args: string[]; length: number } {
  if (!rest.startsWith('(')) return { args: [], length: 0 };
  const args: string[] = [];
  let depth = 0;
  let arg = '';
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '(' && ++depth === 1) continue;
    if (c === ')' && --depth === 0) {
      args.push(arg.trim());
      return { args, length: i + 1 };
    }
    if (c === ',' && depth === 1) {
      args.push(arg.trim());
      arg = '';
      continue;
    }
    arg += c;
  }
  return { args: [], length: -1 };
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Expands every backend macro in `sql`; unknown `$__x` stay as they are. Throws MacroError on bad arguments. */
export function interpolateMacros(sql: string, ctx: TimeContext, macros: Readonly<Record<string, Macro>> = CLICKHOUSE_MACROS): string {
  let out = stripComments(sql);
  const names = Object.keys(macros).sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  for (const name of names) {
    const re = new RegExp(`\\$__${escapeRegExp(name)}\\b`, 'g');
    const matches: { full: string; args: string[] }[] = [];
    for (const m of out.matchAll(re)) {
      const end = (m.index ?? 0) + m[0].length;
      const { args, length } = parseArgs(out.slice(end));
      if (length < 0) throw new MacroError(`$__${name}: failed to parse macro arguments (missing close bracket?)`);
      matches.push({ full: out.slice(m.index, end + length), args });
    }
    for (const m of matches) out = out.split(m.full).join(macros[name](ctx, m.args));
  }
  return out;
}
