/**
 * Sluice's Grafana dashboards: built with @grafana/grafana-foundation-sdk over the collector's
 * ClickHouse tables, written to dashboards/generated/ by `sluice dashboards build`, plus the
 * plugin's macro expansion (to run panel SQL without Grafana) and the checks the tests apply.
 */
export { buildDashboards, checkDashboards, renderDashboard, writeDashboards } from './build.js';
export type { BuildOptions, GeneratedDashboard, StaleReport } from './build.js';
export { CHFormat, CLICKHOUSE_DS_TYPE, CLICKHOUSE_DS_UID, ClickHouseQueryBuilder, chQuery } from './clickhouse-query.js';
export type { ClickHouseQuery } from './clickhouse-query.js';
export { expandPanelSql, intervalText } from './macros/expand-sql.js';
export type { ExpandContext } from './macros/expand-sql.js';
export { CLICKHOUSE_MACROS, interpolateMacros, MacroError } from './macros/backend-macros.js';
export { ALL_VALUE, applyConditionalAll, replaceVariables } from './macros/frontend-variables.js';
export type { VariableValue } from './macros/frontend-variables.js';
export { tablesIn } from './queries/sql-parts.js';
