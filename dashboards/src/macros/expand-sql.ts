import { interpolateMacros, type TimeContext } from './backend-macros.js';
import { applyConditionalAll, replaceVariables, type VariableContext } from './frontend-variables.js';

export interface ExpandContext extends TimeContext, VariableContext {}

/** `1m`-style text of an interval, as Grafana puts in `$__interval`. */
export function intervalText(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/**
 * A panel's SQL as ClickHouse receives it from Grafana: `$__conditionalAll`, template
 * variables (in the browser), then the plugin's macros (in its backend).
 */
export function expandPanelSql(rawSql: string, ctx: ExpandContext): string {
  const builtins = {
    __interval: intervalText(ctx.intervalMs),
    __interval_ms: String(ctx.intervalMs),
    __from: String(ctx.from.getTime()),
    __to: String(ctx.to.getTime()),
    ...ctx.builtins,
  };
  const browser = replaceVariables(applyConditionalAll(rawSql, ctx.vars), { ...ctx, builtins });
  return interpolateMacros(browser, ctx);
}
