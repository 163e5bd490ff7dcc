import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { CLICKHOUSE_DS_TYPE, CLICKHOUSE_DS_UID, DS_REF } from './clickhouse-query.js';

/** The `datasource` variable every panel uses; defaults to the provisioned ClickHouse. */
export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder('datasource')
    .label('Data source')
    .type(CLICKHOUSE_DS_TYPE)
    .current({ selected: true, text: 'ClickHouse', value: CLICKHOUSE_DS_UID });
}

export interface QueryVariableSpec {
  name: string;
  label: string;
  sql: string;
  /** Several values and an "All" option (the default selection). */
  multiAll?: boolean;
  description?: string;
  sort?: dashboard.VariableSort;
}

/** A SQL-backed variable, refreshed when the time range changes (string query form). */
export function queryVariable(s: QueryVariableSpec): dashboard.QueryVariableBuilder {
  const b = new dashboard.QueryVariableBuilder(s.name)
    .label(s.label)
    .datasource(DS_REF)
    .query(s.sql)
    .definition(s.sql)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(s.sort ?? dashboard.VariableSort.Disabled);
  if (s.description) b.description(s.description);
  if (s.multiAll) b.multi(true).includeAll(true).current({ selected: true, text: ['All'], value: ['$__all'] });
  else b.multi(false).includeAll(false);
  return b;
}
