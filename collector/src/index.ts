/**
 * The collector's public API: the OTLP/HTTP receiver, the ClickHouse store (embedded chDB or
 * server), its schema, the typed queries the rest of Sluice uses and `sluice query`.
 */
export { CollectorConfigSchema, StoreConfigSchema } from './config.js';
export type { CollectorConfig, CollectorConfigInput, StoreConfig, StoreConfigInput } from './config.js';
export { COLLECTOR_ERRORS, CollectorError, describeError } from './errors.js';
export type { CollectorErrorCode } from './errors.js';
export { silentLogger, systemClock } from './logger.js';
export type { Clock, Logger } from './logger.js';

export { createCollector } from './app.js';
export type { Collector, CollectorOptions, CollectorStats } from './app.js';
export { startCollectorProcess } from './collector-process.js';
export type { CollectorProcess, CollectorProcessOptions } from './collector-process.js';
export { createAdminQueryHandler, isLoopback } from './admin-query.js';
export { ensureAdminToken, readAdminEndpoint, readAdminToken, removeAdminEndpoint, writeAdminEndpoint } from './admin-token.js';
export type { AdminEndpoint } from './admin-token.js';
export { runQuery } from './run-query.js';
export type { RunQueryOptions, RunQueryResult } from './run-query.js';

export { openStore, redactUrl } from './store/open-store.js';
export type { StoreDeps } from './store/open-store.js';
export type { InsertOptions, SpanStore, StoreInfo } from './store/store.js';
export { migrate, MIGRATIONS, renderSchema } from './store/migrations.js';
export type { MigrateResult } from './store/migrations.js';
export { encodeSpanRow, encodeSpanRows } from './model/span-row.js';
export type { SpanEventRow, SpanLinkRow, SpanRow } from './model/span-row.js';
export { ATTR, HEADER, OPERATION, SLUICE } from './model/semconv.js';

export { decodeJsonRequest } from './otlp/decode-json.js';
export { decodeProtobufRequest } from './otlp/decode-protobuf.js';
export { toRows } from './otlp/to-rows.js';
export type { RowLimits, ToRowsResult } from './otlp/to-rows.js';

export { buildSpendQuery, querySpend, querySpendTotal, SPEND_DIMENSIONS } from './queries/spend.js';
export type { GroupedSpendRow, SpendDimension, SpendQuery, SpendRow } from './queries/spend.js';
export { buildConversationCallsQuery, queryConversationCalls } from './queries/conversation.js';
export type { ConversationCall, ConversationQuery } from './queries/conversation.js';
export {
  buildLatencySummaryQuery,
  buildToolSummaryQuery,
  LATENCY_DIMENSIONS,
  queryLatencySummary,
  queryToolSummary,
} from './queries/latency.js';
export type { LatencyDimension, LatencyQuery, LatencyRow, ToolSummaryRow } from './queries/latency.js';
export type { BuiltQuery, TimeWindow } from './queries/window.js';
