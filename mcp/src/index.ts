export { McpSectionSchema } from './config.js';
export type { McpSection, McpSectionInput, UpstreamConfig, VirtualServerConfig } from './config.js';
export { createMcpGateway } from './gateway.js';
export type { McpGateway, McpGatewayOptions } from './gateway.js';
export type { McpRootConfig } from './front/admission.js';
export { withDefaultDeps } from './deps.js';
export type {
  GuardContext, GuardHit, GuardOutcome, McpGatewayDeps, McpIdentity, McpLogger, ToolAuthzDecision, ToolCharge, ToolLimitDecision, ToolRef,
} from './deps.js';
export { ERROR_META_KEY, MCP_ERROR_CATALOGUE, McpGatewayError } from './errors.js';
export type { McpErrorCode } from './errors.js';
export type { UpstreamHealth, UpstreamStatus } from './upstream/upstream-runtime.js';
export type { PinEntry } from './tool-pins.js';
export { toolFingerprint } from './tool-fingerprint.js';
export { TOOL_CHANGED_EVENT } from './endpoints/tool-view.js';
