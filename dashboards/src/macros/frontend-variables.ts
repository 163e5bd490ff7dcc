/**
 * The browser half of the Grafana ClickHouse plugin's query pipeline
 * (`CHDatasource.applyTemplateVariables`): `$__conditionalAll` first, then Grafana's
 * template-variable replacement. A TS model of that behaviour, so panel SQL can be run
 * without a browser; macros of the backend half are left as they are.
 */

/** A variable's current value: one value, several, or `$__all` ("All" selected). */
export type VariableValue = string | readonly string[];

export interface VariableContext {
  /** Current values by variable name. */
  vars?: Readonly<Record<string, VariableValue>>;
  /** Every option of a variable (what "All" expands to). */
  options?: Readonly<Record<string, readonly string[]>>;
  /** Built-ins Grafana puts in scopedVars: `__interval` (`1m`), `__interval_ms`, `__from`, `__to`. */
  builtins?: Readonly<Record<string, string>>;
}

export const ALL_VALUE = '$__all';

const CONDITIONAL_ALL = '$__conditionalAll(';
const VAR_NAME_IN_ARG = /(?<=\$\{)\w+(?=\})|(?<=\$)\w+/;

/** Arguments of a bracketed call starting at `openIndex` (the plugin's `getMacroArgs`: not quote-aware). */
function macroArgs(sql: string, openIndex: number): { args: string[]; end: number } {
  const args: string[] = [];
  let depth = 0;
  let start = openIndex + 1;
  for (let i = openIndex; i < sql.length; i++) {
    const c = sql[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    if (c === ',' && depth === 1) {
      args.push(sql.slice(start, i));
      start = i + 1;
    }
    if (depth === 0) {
      args.push(sql.slice(start, i));
      return { args, end: i + 1 };
    }
  }
  return { args, end: -1 };
}

const asText = (v: VariableValue | undefined): string | undefined => (v === undefined ? undefined : Array.isArray(v) ? v.join(',') : (v as string));

/**
 * `$__conditionalAll(cond, $var)` → `cond`, or `1=1` when `$var` is empty or "All". Scans
 * right to left like the plugin, so nested uses resolve inside out.
 */
export function applyConditionalAll(sql: string, vars: Readonly<Record<string, VariableValue>> = {}): string {
  let out = sql;
  let at = out.lastIndexOf(CONDITIONAL_ALL);
  while (at !== -1) {
    const { args, end } = macroArgs(out, at + CONDITIONAL_ALL.length - 1);
    if (args.length !== 2 || end === -1) return out;
    const name = VAR_NAME_IN_ARG.exec(args[1].trim())?.[0];
    const value = name === undefined ? undefined : asText(vars[name]);
    const phrase = value === '' || value === ALL_VALUE ? '1=1' : args[0];
    out = out.slice(0, at) + phrase + out.slice(end);
    at = out.lastIndexOf(CONDITIONAL_ALL);
  }
  return out;
}

type Formatter = (values: readonly string[], multi: boolean) => string;

/** Grafana's variable formats that SQL dashboards use; the plugin's own format is the default. */
const FORMATS: Record<string, Formatter> = {
  // CHDatasource.format: a list is quoted, a single value goes in raw.
  default: (v, multi) => (multi ? v.map((x) => `'${x}'`).join(',') : (v[0] ?? '')),
  singlequote: (v) => v.map((x) => `'${x.replace(/'/g, "\\'")}'`).join(','),
  doublequote: (v) => v.map((x) => `"${x.replace(/"/g, '\\"')}"`).join(','),
  sqlstring: (v) => v.map((x) => `'${x.replace(/'/g, "''")}'`).join(','),
  raw: (v) => v.join(','),
  csv: (v) => v.join(','),
  text: (v) => v.join(' + '),
};

// Grafana's variable syntax: $name, [[name:format]], ${name.field:format}.
const VARIABLE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;

/** Replaces template variables the way Grafana's `templateSrv.replace` does; unknown names stay. */
export function replaceVariables(sql: string, ctx: VariableContext): string {
  return sql.replace(VARIABLE, (match, plain?: string, bracket?: string, bracketFmt?: string, braced?: string, _field?: string, bracedFmt?: string) => {
    const name = plain ?? bracket ?? braced ?? '';
    const format = bracketFmt ?? bracedFmt ?? 'default';
    const builtin = ctx.builtins?.[name];
    if (builtin !== undefined) return builtin;
    const value = ctx.vars?.[name];
    if (value === undefined) return match;
    const formatter = FORMATS[format];
    if (formatter === undefined) throw new Error(`unsupported variable format "${format}" in ${match}`);
    const list = Array.isArray(value) ? [...value] : [value as string];
    const isAll = list.length === 1 && list[0] === ALL_VALUE;
    const values = isAll ? [...(ctx.options?.[name] ?? [])] : list;
    return formatter(values, Array.isArray(value) || isAll);
  });
}
