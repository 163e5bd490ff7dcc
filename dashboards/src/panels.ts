import * as barchart from '@grafana/grafana-foundation-sdk/barchart';
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { CHFormat, chQuery, DS_REF } from './clickhouse-query.js';

/**
 * Panel factories with the defaults a reader needs without editing: the ClickHouse
 * datasource on panel and target, units, thresholds, visible legends (the SDK's timeseries
 * builder hides them by default), table column units. Layout (id, gridPos) comes later.
 */
export type Steps = dashboard.Threshold[];

/** Thresholds as `[base color, [value, color], …]`. */
export function steps(base: string, ...more: [number, string][]): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps([{ value: null, color: base }, ...more.map(([value, color]) => ({ value, color }))]);
}

/** Ratios 0..1 (error rates): green, orange from 1 %, red from 5 %. */
export const ERROR_STEPS = (): dashboard.ThresholdsConfigBuilder => steps('green', [0.01, 'orange'], [0.05, 'red']);
/** Latency in ms: green, orange from 2 s, red from 10 s. */
export const LATENCY_STEPS = (): dashboard.ThresholdsConfigBuilder => steps('green', [2000, 'orange'], [10_000, 'red']);
/** Plain counts and money: one neutral color. */
export const NEUTRAL_STEPS = (): dashboard.ThresholdsConfigBuilder => steps('blue');

export interface TargetSpec {
  sql: string;
  format?: CHFormat;
}

interface Common {
  title: string;
  description: string;
  unit: string;
  decimals?: number;
  thresholds?: dashboard.ThresholdsConfigBuilder;
}

const refIds = 'ABCDEFGH';

function withTargets<T extends { withTarget(q: ReturnType<typeof chQuery>): T }>(b: T, targets: readonly TargetSpec[], fallback: CHFormat): T {
  targets.forEach((t, i) => b.withTarget(chQuery(t.sql, t.format ?? fallback, refIds[i])));
  return b;
}

/** Per-column settings, rendered as field-config overrides. */
export type FieldProps = { unit?: string; displayName?: string; decimals?: number; links?: { title: string; url: string }[]; cellOptions?: common.TableCellOptions; min?: number; max?: number; axisRight?: boolean; thresholds?: dashboard.ThresholdsConfigBuilder };

function props(p: FieldProps): dashboard.DynamicConfigValue[] {
  const out: dashboard.DynamicConfigValue[] = [];
  if (p.unit !== undefined) out.push({ id: 'unit', value: p.unit });
  if (p.displayName !== undefined) out.push({ id: 'displayName', value: p.displayName });
  if (p.decimals !== undefined) out.push({ id: 'decimals', value: p.decimals });
  if (p.min !== undefined) out.push({ id: 'min', value: p.min });
  if (p.max !== undefined) out.push({ id: 'max', value: p.max });
  if (p.links !== undefined) out.push({ id: 'links', value: p.links });
  if (p.cellOptions !== undefined) out.push({ id: 'custom.cellOptions', value: p.cellOptions });
  if (p.thresholds !== undefined) out.push({ id: 'thresholds', value: p.thresholds.build() });
  if (p.axisRight) out.push({ id: 'custom.axisPlacement', value: common.AxisPlacement.Right });
  return out;
}

export interface TimeseriesSpec extends Common {
  targets: readonly TargetSpec[];
  /** Bars instead of lines (counts per interval). */
  bars?: boolean;
  stack?: boolean;
  min?: number;
  max?: number;
  /** Legend as a table with these calcs (mean, max, lastNotNull…); default a plain list. */
  legendCalcs?: string[];
  fields?: Record<string, FieldProps>;
}

export function timeseriesPanel(s: TimeseriesSpec): timeseries.PanelBuilder {
  const legend = new common.VizLegendOptionsBuilder()
    .showLegend(true)
    .placement(common.LegendPlacement.Bottom)
    .displayMode(s.legendCalcs ? common.LegendDisplayMode.Table : common.LegendDisplayMode.List)
    .calcs(s.legendCalcs ?? []);
  const b = new timeseries.PanelBuilder()
    .title(s.title)
    .description(s.description)
    .datasource(DS_REF)
    .unit(s.unit)
    .thresholds(s.thresholds ?? NEUTRAL_STEPS())
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.PaletteClassic))
    .legend(legend)
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending))
    .drawStyle(s.bars ? common.GraphDrawStyle.Bars : common.GraphDrawStyle.Line)
    .fillOpacity(s.bars ? 80 : 10)
    .lineWidth(1)
    .showPoints(common.VisibilityMode.Never)
    .spanNulls(false);
  if (s.stack) b.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  if (s.decimals !== undefined) b.decimals(s.decimals);
  if (s.min !== undefined) b.min(s.min);
  if (s.max !== undefined) b.max(s.max);
  for (const [name, p] of Object.entries(s.fields ?? {})) b.overrideByName(name, props(p));
  return withTargets(b, s.targets, CHFormat.TimeSeries);
}

export interface StatSpec extends Common {
  sql: string;
  fields?: Record<string, FieldProps>;
}

export function statPanel(s: StatSpec): stat.PanelBuilder {
  const b = new stat.PanelBuilder()
    .title(s.title)
    .description(s.description)
    .datasource(DS_REF)
    .unit(s.unit)
    .thresholds(s.thresholds ?? NEUTRAL_STEPS())
    .colorMode(common.BigValueColorMode.Value)
    .graphMode(common.BigValueGraphMode.None)
    .textMode(common.BigValueTextMode.Auto)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .noValue('0');
  if (s.decimals !== undefined) b.decimals(s.decimals);
  for (const [name, p] of Object.entries(s.fields ?? {})) b.overrideByName(name, props(p));
  return withTargets(b, [{ sql: s.sql }], CHFormat.Table);
}

/** Table cell text colored by the column's thresholds. */
export const COLOR_TEXT: common.TableCellOptions = { type: common.TableCellDisplayMode.ColorText };

/** A ratio column colored green → orange → red like error rates. */
export const ERROR_COLUMN = (): FieldProps => ({ unit: 'percentunit', decimals: 1, thresholds: ERROR_STEPS(), cellOptions: COLOR_TEXT });
/** A latency column in ms colored by LATENCY_STEPS. */
export const LATENCY_COLUMN = (): FieldProps => ({ unit: 'ms', decimals: 1, thresholds: LATENCY_STEPS(), cellOptions: COLOR_TEXT });
/** Money in USD. */
export const USD_COLUMN = (): FieldProps => ({ unit: 'currencyUSD', decimals: 4 });

export interface TableSpec {
  title: string;
  description: string;
  sql: string;
  /** Per column: unit, display name, links, cell display. */
  fields?: Record<string, FieldProps>;
  sortBy?: { column: string; desc: boolean };
}

export function tablePanel(s: TableSpec): table.PanelBuilder {
  const b = new table.PanelBuilder()
    .title(s.title)
    .description(s.description)
    .datasource(DS_REF)
    .thresholds(NEUTRAL_STEPS())
    .showHeader(true)
    .cellHeight(common.TableCellHeight.Sm)
    .filterable(true);
  if (s.sortBy) b.sortBy([new common.TableSortByFieldStateBuilder().displayName(s.sortBy.column).desc(s.sortBy.desc)]);
  for (const [name, p] of Object.entries(s.fields ?? {})) b.overrideByName(name, props(p));
  return withTargets(b, [{ sql: s.sql }], CHFormat.Table);
}

export interface BarGaugeSpec extends Common {
  sql: string;
}

/** One bar per row (a label column and a value): rankings such as top agents by cost. */
export function barGaugePanel(s: BarGaugeSpec): bargauge.PanelBuilder {
  const b = new bargauge.PanelBuilder()
    .title(s.title)
    .description(s.description)
    .datasource(DS_REF)
    .unit(s.unit)
    .min(0)
    .thresholds(s.thresholds ?? NEUTRAL_STEPS())
    .displayMode(common.BarGaugeDisplayMode.Gradient)
    .valueMode(common.BarGaugeValueMode.Text)
    .orientation(common.VizOrientation.Horizontal)
    .showUnfilled(true)
    .reduceOptions(new common.ReduceDataOptionsBuilder().values(true).calcs([]).limit(20));
  if (s.decimals !== undefined) b.decimals(s.decimals);
  return withTargets(b, [{ sql: s.sql }], CHFormat.Table);
}

export interface BarChartSpec extends Common {
  sql: string;
  /** The category column on the x axis. */
  xField: string;
}

/** Categories side by side (runs of a scenario), one bar per numeric column. */
export function barChartPanel(s: BarChartSpec): barchart.PanelBuilder {
  const b = new barchart.PanelBuilder()
    .title(s.title)
    .description(s.description)
    .datasource(DS_REF)
    .unit(s.unit)
    .thresholds(s.thresholds ?? NEUTRAL_STEPS())
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.PaletteClassic))
    .xField(s.xField)
    .orientation(common.VizOrientation.Auto)
    .showValue(common.VisibilityMode.Auto)
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).placement(common.LegendPlacement.Bottom).displayMode(common.LegendDisplayMode.List).calcs([]))
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.None));
  if (s.decimals !== undefined) b.decimals(s.decimals);
  return withTargets(b, [{ sql: s.sql }], CHFormat.Table);
}

/**
 * Grafana's trace view (the `traces` panel) fed by a format-3 query. The builder options
 * mark the query as an OTel trace-id lookup, so switching the editor to the builder keeps it.
 */
export function traceViewPanel(s: { title: string; description: string; sql: string; database: string; table: string }): dashboard.PanelBuilder {
  const q = chQuery(s.sql, CHFormat.Traces).builderOptions({
    database: s.database,
    table: s.table,
    queryType: 'traces',
    mode: 'list',
    meta: { otelEnabled: true, otelVersion: 'latest', isTraceIdMode: true, traceId: '${trace_id}', traceDurationUnit: 'nanoseconds' },
  });
  return new dashboard.PanelBuilder()
    .type('traces')
    .title(s.title)
    .description(s.description)
    .datasource(DS_REF)
    .options({})
    .fieldConfig({ defaults: {}, overrides: [] })
    .withTarget(q);
}
