import { ATTR, SLUICE } from '../../../collector/src/index.js';

/**
 * Pieces every dashboard query shares: table names, attribute access and the variable
 * filters. Filters use the plugin's `$__conditionalAll(cond, $var)` so "All" costs nothing,
 * and `${var:singlequote}` so one selected value is quoted like several (the plugin inserts a
 * single value raw otherwise).
 */
export interface Tables {
  traces: string;
  traceIdTs: string;
  llmCalls: string;
  toolCalls: string;
  llmUsage1m: string;
  toolUsage1m: string;
}

/** Tables of the collector's schema (collector/src/store/ddl*.ts) in `database`. */
export function tablesIn(database: string): Tables {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) throw new Error(`database must be a plain identifier, got "${database}"`);
  return {
    traces: `${database}.otel_traces`,
    traceIdTs: `${database}.otel_traces_trace_id_ts`,
    llmCalls: `${database}.llm_calls`,
    toolCalls: `${database}.tool_calls`,
    llmUsage1m: `${database}.llm_usage_1m`,
    toolUsage1m: `${database}.tool_usage_1m`,
  };
}

/** `SpanAttributes['name']` (every attribute is a string in the map). */
export const attr = (name: string): string => `SpanAttributes['${name}']`;

/** `$__conditionalAll(column IN (${v:singlequote}), $v)` */
export const varIn = (column: string, variable: string): string => `$__conditionalAll(${column} IN (\${${variable}:singlequote}), $${variable})`;

export type FilterVar = 'agent' | 'team' | 'model' | 'provider' | 'server' | 'tool';

/** Columns of llm_calls (and llm_usage_1m) the dashboard variables filter on. */
const LLM_COLUMNS: Partial<Record<FilterVar, string>> = { agent: 'agent', team: 'team', model: 'request_model', provider: 'provider' };
const TOOL_COLUMNS: Partial<Record<FilterVar, string>> = { agent: 'agent', team: 'team', server: 'server', tool: 'tool' };
/** The provider as llm_calls has it: the configured provider's name, else `gen_ai.provider.name`. */
export const PROVIDER_EXPR = `if(${attr(SLUICE.PROVIDER)} != '', ${attr(SLUICE.PROVIDER)}, ${attr(ATTR.GEN_AI_PROVIDER_NAME)})`;

const SPAN_COLUMNS: Record<FilterVar, string> = {
  agent: attr(SLUICE.AGENT),
  team: attr(SLUICE.TEAM),
  model: attr(ATTR.GEN_AI_REQUEST_MODEL),
  provider: PROVIDER_EXPR,
  server: attr(SLUICE.MCP_SERVER),
  tool: attr(ATTR.GEN_AI_TOOL_NAME),
};

function where(timeColumn: string, columns: Partial<Record<FilterVar, string>>, vars: readonly FilterVar[]): string {
  const parts = [`$__timeFilter(${timeColumn})`];
  for (const v of vars) {
    const col = columns[v];
    if (col === undefined) throw new Error(`no column for variable ${v}`);
    parts.push(varIn(col, v));
  }
  return parts.join('\n  AND ');
}

export const LLM_VARS: readonly FilterVar[] = ['agent', 'team', 'model', 'provider'];
export const TOOL_VARS: readonly FilterVar[] = ['agent', 'team', 'server', 'tool'];

/** Time range plus agent/team/model/provider filters on llm_calls (`Timestamp`) or llm_usage_1m (`minute`). */
export const llmWhere = (timeColumn = 'Timestamp', vars: readonly FilterVar[] = LLM_VARS): string => where(timeColumn, LLM_COLUMNS, vars);

/** Time range plus agent/team/server/tool filters on tool_calls or tool_usage_1m. */
export const toolWhere = (timeColumn = 'Timestamp', vars: readonly FilterVar[] = TOOL_VARS): string => where(timeColumn, TOOL_COLUMNS, vars);

/** Time range plus filters on raw spans (attributes). */
export const spanWhere = (vars: readonly FilterVar[]): string => where('Timestamp', SPAN_COLUMNS, vars);

/** The agent's SERVER span of an LLM call (what llm_calls is made of). */
export const LLM_SERVER_SPAN = `SpanKind = 'Server' AND ${attr(ATTR.GEN_AI_OPERATION_NAME)} IN ('chat', 'embeddings')`;
/** The agent's SERVER span of an MCP tool call. */
export const TOOL_SERVER_SPAN = `SpanKind = 'Server' AND ${attr(ATTR.GEN_AI_OPERATION_NAME)} = 'execute_tool'`;

/**
 * SQL template: strips the indentation of the template's own lines (not of inserted values)
 * so the generated JSON reads well.
 */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): string {
  const HOLE = '\u0000';
  const text = strings.join(HOLE).replace(/^\n/, '').replace(/\s+$/, '');
  const lines = text.split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length));
  let i = 0;
  return lines
    .map((l) => l.slice(indent))
    .join('\n')
    .replace(/\u0000/g, () => String(values[i++]));
}
