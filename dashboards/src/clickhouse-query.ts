import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

/** Plugin id of the Grafana ClickHouse datasource (`grafana/clickhouse-datasource`). */
export const CLICKHOUSE_DS_TYPE = 'grafana-clickhouse-datasource';

/** Provisioned datasource uid (dashboards/provisioning/datasources/clickhouse.yaml). */
export const CLICKHOUSE_DS_UID = 'clickhouse';

/**
 * What every panel and target points at: the `datasource` dashboard variable, so a user with
 * several ClickHouse datasources can switch; it defaults to the provisioned one.
 */
export const DS_REF: DataSourceRef = { type: CLICKHOUSE_DS_TYPE, uid: '${datasource}' };

/** sqlds `FormatQueryOption`: how the plugin turns rows into a data frame. */
export enum CHFormat {
  /** Long rows → wide frames; first column a time. */
  TimeSeries = 0,
  Table = 1,
  Logs = 2,
  /** Trace view: traceID, spanID, parentSpanID, serviceName, operationName, startTime, duration, … */
  Traces = 3,
}

/** The plugin's display query types (`src/types/sql.ts`); only Explore and the builder read them. */
export type CHQueryType = 'table' | 'logs' | 'timeSeries' | 'traces';

/** A ClickHouse SQL target as the plugin stores it (`CHSqlQuery`). */
export interface ClickHouseQuery {
  refId?: string;
  hide?: boolean;
  datasource?: DataSourceRef;
  editorType: 'sql';
  rawSql: string;
  format: CHFormat;
  queryType?: CHQueryType;
  meta?: { timezone?: string; builderOptions?: Record<string, unknown> };
  /** cog's marker for query variants; a function, so JSON.stringify leaves it out. */
  _implementsDataqueryVariant(): void;
}

const QUERY_TYPE: Record<CHFormat, CHQueryType> = {
  [CHFormat.TimeSeries]: 'timeSeries',
  [CHFormat.Table]: 'table',
  [CHFormat.Logs]: 'logs',
  [CHFormat.Traces]: 'traces',
};

/**
 * The foundation SDK ships no ClickHouse query type, and `withTarget()` takes any
 * `Builder<Dataquery>`, so this is one (the SDK README's custom-query pattern).
 */
export class ClickHouseQueryBuilder implements Builder<Dataquery> {
  private readonly internal: ClickHouseQuery;

  constructor(rawSql: string, format: CHFormat) {
    this.internal = {
      editorType: 'sql',
      rawSql,
      format,
      queryType: QUERY_TYPE[format],
      datasource: DS_REF,
      _implementsDataqueryVariant() {},
    };
  }

  build(): ClickHouseQuery {
    return this.internal;
  }

  refId(refId: string): this {
    this.internal.refId = refId;
    return this;
  }

  datasource(ref: DataSourceRef): this {
    this.internal.datasource = ref;
    return this;
  }

  /** Settings the SQL editor keeps for switching back to the builder (trace view: OTel mode). */
  builderOptions(options: Record<string, unknown>): this {
    this.internal.meta = { ...this.internal.meta, builderOptions: options };
    return this;
  }
}

/** A SQL target in `format`, on the dashboard's datasource. */
export const chQuery = (rawSql: string, format: CHFormat, refId = 'A'): ClickHouseQueryBuilder =>
  new ClickHouseQueryBuilder(rawSql, format).refId(refId);
