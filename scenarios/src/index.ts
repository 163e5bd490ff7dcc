/**
 * Public API of `scenarios/`: the scenario format, the runner and its report, record from
 * traces, and the simulators (LLM provider, MCP server). See ../README.md.
 */
export { ScenarioSchema, AgentSchema, IdentitySchema, ProfileSchema } from './schema.js';
export type { Scenario, ScenarioInput, Agent, Identity } from './schema.js';
export type { StepOutput, StepOutcome, LlmStep, ToolStep, OfferedTool, Vars } from './format/step-schema.js';
export type { Load, OpenLoad, ClosedLoad, ScheduleLoad, LoadStage } from './format/load-schema.js';
export type { Upstreams, ProviderUpstream, McpUpstream } from './format/upstream-schema.js';
export type { Expectation } from './format/expectation-schema.js';
export { loadScenarioFile, parseScenario, parseScenarioText } from './format/load-file.js';
export { ScenarioError, formatScenarioIssues } from './format/scenario-error.js';
export type { ScenarioErrorCode, ScenarioIssue } from './format/scenario-error.js';
export { scenarioJsonSchema, scenarioJsonSchemaText } from './format/json-schema.js';
export { applySpeed, parseSpeed } from './format/speed.js';
export { applyProfile } from './format/profile.js';
export { parseDurationMs, formatDurationMs } from './format/duration.js';
export { buildGatewayConfig } from './format/gateway-config.js';
export type { UpstreamAddresses, MintedKey } from './format/gateway-config.js';

export { runScenario } from './runner/run-scenario.js';
export type { RunScenarioOptions, ScenarioRunResult } from './runner/run-scenario.js';
export type { CallRecord, RunRecord } from './runner/records.js';
export { storedLlmCalls } from './runner/store-view.js';
export type { StoredLlmCall } from './runner/store-view.js';
export { startUpstreams } from './runner/upstreams.js';
export type { RunningUpstreams } from './runner/upstreams.js';

export { formatReport } from './report/format-report.js';
export { compareReports, asReport, DEFAULT_THRESHOLDS } from './report/compare.js';
export { evaluateExpectations } from './report/expectations.js';
export { REPORT_VERSION } from './report/report-types.js';
export type { ScenarioReport, StepReport, Comparison, Regression, CostReport, GatewayView, ExpectationResult } from './report/report-types.js';
export type { Percentiles } from './report/histogram.js';

export { recordScenario } from './record/record-scenario.js';
export type { RecordResult } from './record/record-scenario.js';
export type { RecordFilter, QueryFn } from './record/record-query.js';
export { inlineParams, parseJsonEachRow } from './record/inline-params.js';

export { startSimServer } from './sim/index.js';
export type { SimHandle, SimOptions } from './sim/index.js';
export { startSimMcpServer } from './sim-mcp/index.js';
export type { SimMcpHttpServer, StartSimMcpOptions } from './sim-mcp/index.js';
