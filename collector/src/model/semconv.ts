/**
 * Attribute and span names Sluice emits and stores, in one place.
 *
 * GenAI / MCP names follow the OpenTelemetry semantic conventions v1.41.1 (the names
 * `@opentelemetry/semantic-conventions@1.45.0/incubating` exports; they moved to
 * semantic-conventions-genai in v1.42 and are still Development). Our own live under
 * `sluice.*`. Gateway, MCP gateway, collector mappings and dashboards all import these.
 */

/** OpenTelemetry GenAI, MCP and general attributes. */
export const ATTR = {
  GEN_AI_OPERATION_NAME: 'gen_ai.operation.name',
  GEN_AI_PROVIDER_NAME: 'gen_ai.provider.name',
  GEN_AI_REQUEST_MODEL: 'gen_ai.request.model',
  GEN_AI_RESPONSE_MODEL: 'gen_ai.response.model',
  GEN_AI_REQUEST_MAX_TOKENS: 'gen_ai.request.max_tokens',
  GEN_AI_REQUEST_TEMPERATURE: 'gen_ai.request.temperature',
  GEN_AI_REQUEST_TOP_P: 'gen_ai.request.top_p',
  GEN_AI_REQUEST_STREAM: 'gen_ai.request.stream',
  GEN_AI_REQUEST_SEED: 'gen_ai.request.seed',
  GEN_AI_REQUEST_CHOICE_COUNT: 'gen_ai.request.choice.count',
  GEN_AI_RESPONSE_ID: 'gen_ai.response.id',
  GEN_AI_RESPONSE_FINISH_REASONS: 'gen_ai.response.finish_reasons',
  GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK: 'gen_ai.response.time_to_first_chunk',
  GEN_AI_USAGE_INPUT_TOKENS: 'gen_ai.usage.input_tokens',
  GEN_AI_USAGE_OUTPUT_TOKENS: 'gen_ai.usage.output_tokens',
  GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS: 'gen_ai.usage.cache_read.input_tokens',
  GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS: 'gen_ai.usage.cache_creation.input_tokens',
  GEN_AI_CONVERSATION_ID: 'gen_ai.conversation.id',
  GEN_AI_INPUT_MESSAGES: 'gen_ai.input.messages',
  GEN_AI_OUTPUT_MESSAGES: 'gen_ai.output.messages',
  GEN_AI_PROMPT_NAME: 'gen_ai.prompt.name',
  GEN_AI_TOOL_NAME: 'gen_ai.tool.name',
  GEN_AI_TOOL_CALL_ID: 'gen_ai.tool.call.id',
  MCP_METHOD_NAME: 'mcp.method.name',
  MCP_SESSION_ID: 'mcp.session.id',
  MCP_PROTOCOL_VERSION: 'mcp.protocol.version',
  MCP_RESOURCE_URI: 'mcp.resource.uri',
  JSONRPC_REQUEST_ID: 'jsonrpc.request.id',
  RPC_RESPONSE_STATUS_CODE: 'rpc.response.status_code',
  NETWORK_TRANSPORT: 'network.transport',
  NETWORK_PROTOCOL_NAME: 'network.protocol.name',
  SERVER_ADDRESS: 'server.address',
  SERVER_PORT: 'server.port',
  CLIENT_ADDRESS: 'client.address',
  ERROR_TYPE: 'error.type',
  HTTP_REQUEST_METHOD: 'http.request.method',
  HTTP_ROUTE: 'http.route',
  HTTP_RESPONSE_STATUS_CODE: 'http.response.status_code',
  URL_PATH: 'url.path',
} as const;

/** Sluice's own attributes. Money is integer micro-USD; durations carry their unit. */
export const SLUICE = {
  REQUEST_ID: 'sluice.request_id',
  AGENT: 'sluice.agent',
  TEAM: 'sluice.team',
  KEY_ID: 'sluice.key_id',
  AUTH_METHOD: 'sluice.auth.method',
  COST_CENTER: 'sluice.cost_center',
  ROUTE: 'sluice.route',
  API: 'sluice.api',
  TTFT_MS: 'sluice.ttft_ms',
  TPOT_MS: 'sluice.tpot_ms',
  TOKENS_ESTIMATED: 'sluice.tokens_estimated',
  COST_MICRO_USD: 'sluice.cost',
  CACHE_HIT: 'sluice.cache.hit',
  CACHE_KIND: 'sluice.cache.kind',
  CACHE_TIER: 'sluice.cache.tier',
  CACHE_SIMILARITY: 'sluice.cache.similarity',
  CACHE_LOOKUP_MS: 'sluice.cache.lookup_ms',
  CACHE_SAVED_MICRO_USD: 'sluice.cache.saved',
  GUARDRAIL_HITS: 'sluice.guardrail.hits',
  GUARDRAIL_ACTIONS: 'sluice.guardrail.actions',
  GUARDRAIL_RULES: 'sluice.guardrail.rules',
  GUARDRAIL_MS: 'sluice.guardrail.ms',
  ATTEMPTS: 'sluice.attempts',
  ATTEMPT: 'sluice.attempt',
  TARGET: 'sluice.target',
  PROVIDER: 'sluice.provider',
  FAILOVER_REASON: 'sluice.failover.reason',
  FAILOVER_PATH: 'sluice.failover.path',
  SERVED_BY_BACKUP: 'sluice.failover.served_by_backup',
  /** Targets passed over before the first attempt, as `target:reason` (breaker_open, quota_exhausted, context_window, …). */
  FAILOVER_SKIPPED: 'sluice.failover.skipped',
  /** On a CLIENT attempt span: ok | error | stream_broken | cancelled | deadline | client_gone. */
  ATTEMPT_OUTCOME: 'sluice.attempt.outcome',
  /** On a CLIENT attempt span: backoff waited before this attempt, ms. */
  ATTEMPT_WAIT_MS: 'sluice.attempt.wait_ms',
  /** On a CLIENT attempt span: true when started as a TTFT hedge. */
  ATTEMPT_HEDGE: 'sluice.attempt.hedge',
  /** On a CLIENT attempt span: request fields the provider's API has no place for, left out. */
  DROPPED_PARAMS: 'sluice.attempt.dropped_params',
  /** Routing rule that chose the targets, and the strategy that ordered them. */
  ROUTING_RULE: 'sluice.routing.rule',
  ROUTING_STRATEGY: 'sluice.routing.strategy',
  /** Breaker phase of the target when the attempt started: closed | half-open (a probe). */
  BREAKER_STATE: 'sluice.breaker.state',
  /** A flag an earlier stage may set (boolean) so routing rules send the request to trusted targets. */
  SENSITIVE: 'sluice.sensitive',
  BUDGET_REMAINING_MICRO_USD: 'sluice.budget.remaining',
  BUDGET_REMAINING_TOKENS: 'sluice.budget.remaining_tokens',
  BUDGET_NAME: 'sluice.budget.name',
  BUDGET_RESERVED_MICRO_USD: 'sluice.budget.reserved',
  RATELIMIT_NAME: 'sluice.ratelimit.name',
  AUTHZ_DECISION: 'sluice.authz.decision',
  AUTHZ_RULE: 'sluice.authz.rule',
  AUTHZ_REASON: 'sluice.authz.reason',
  MCP_SERVER: 'sluice.mcp.server',
  TOOL_FINGERPRINT: 'sluice.mcp.tool_fingerprint',
  SCENARIO: 'sluice.scenario',
  RUN_ID: 'sluice.run_id',
  ERROR_CODE: 'sluice.error.code',
  STATUS_CODE: 'sluice.status_code',
  PROMPT_VERSION: 'sluice.prompt.version',
  BUDGET_FRACTION: 'sluice.budget.fraction',
  BUDGET_THRESHOLD: 'sluice.budget.threshold',
  BUDGET_DOWNGRADE_TO: 'sluice.budget.downgrade_to',
} as const;

/** Values of `gen_ai.operation.name` Sluice emits. */
export const OPERATION = {
  CHAT: 'chat',
  EMBEDDINGS: 'embeddings',
  EXECUTE_TOOL: 'execute_tool',
} as const;

/** Request headers Sluice reads (documented in the README). */
export const HEADER = {
  REQUEST_ID: 'x-request-id',
  CONVERSATION_ID: 'x-sluice-conversation-id',
  RUN_ID: 'x-sluice-run-id',
  SCENARIO: 'x-sluice-scenario',
  CACHE: 'x-sluice-cache',
} as const;

/** Span events Sluice records. */
export const EVENT = {
  GUARDRAIL_HIT: 'sluice.guardrail.hit',
  GUARDRAIL_ERROR: 'sluice.guardrail.error',
  TEMPLATE_APPLIED: 'sluice.template.applied',
  BUDGET_SOFT_THRESHOLD: 'sluice.budget.soft_threshold',
} as const;
