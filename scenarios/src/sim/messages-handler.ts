import { answeredByFault, rejectedByQuota, rejectedForContext, resolveFault } from './answer-gate.js';
import { ANTHROPIC_MALFORMED_FRAME, anthropicMessageBody, anthropicMessageFrames } from './anthropic-frames.js';
import { idFragment, planCompletion, planDelays, type ToolChoice } from './completion-plan.js';
import { badRequest, contentSeedOf, fingerprintFor, modelNotFound, nowUnixSeconds, timingRngOf } from './handler-support.js';
import { anthropicEndsWithToolResult, anthropicPromptMessages, conversationDigestText } from './prompt-text.js';
import { deriveSeed } from './random.js';
import { sendError, type RequestScope } from './request-scope.js';
import { sendGenerated } from './send-generated.js';
import { countPromptTokens } from './token-count.js';
import { MessagesRequestSchema, type MessagesRequest } from './wire-schemas.js';

/** `POST /v1/messages`: Anthropic Messages, JSON or SSE events. */

function toolChoiceOf(choice: MessagesRequest['tool_choice']): ToolChoice {
  switch (choice?.type) {
    case undefined:
    case 'auto':
      return { mode: 'auto' };
    case 'none':
      return { mode: 'none' };
    case 'any':
      return { mode: 'required' };
    case 'tool':
      return { mode: 'required', name: choice.name };
  }
}

export async function handleMessages(scope: RequestScope, body: unknown): Promise<void> {
  const parsed = MessagesRequestSchema.safeParse(body);
  if (!parsed.success) return sendError(scope, badRequest(parsed.error));
  const request = parsed.data;
  const { state } = scope;
  state.stats.model(request.model);
  const fault = resolveFault(scope, request.model);
  if (await answeredByFault(scope, fault)) return;
  const profile = state.profiles.lookup(request.model);
  if (!profile) return sendError(scope, modelNotFound(scope, request.model));

  const messages = anthropicPromptMessages(request);
  const tools = (request.tools ?? []).map((tool) => ({ name: tool.name, parameters: tool.input_schema }));
  const promptTokens = countPromptTokens(messages, tools.length > 0 ? JSON.stringify(request.tools) : '');
  if (rejectedForContext(scope, fault, promptTokens, profile.contextWindowTokens)) return;

  const plan = planCompletion({
    seed: contentSeedOf(scope, undefined),
    model: request.model,
    digestText: conversationDigestText(messages),
    profile,
    choices: 1,
    maxTokens: request.max_tokens,
    tools,
    toolChoice: toolChoiceOf(request.tool_choice),
    endsWithToolResult: anthropicEndsWithToolResult(request.messages),
    fault,
    toolIdPrefix: 'toolu_',
  });
  if (rejectedByQuota(scope, request.model, promptTokens + plan.completionTokens)) return;
  state.stats.tokens(promptTokens, plan.completionTokens);

  const meta = {
    id: `msg_${idFragment(deriveSeed(plan.contentSeed, scope.seq), 24)}`,
    created: nowUnixSeconds(),
    model: request.model,
    fingerprint: fingerprintFor(request.model),
  };
  const missingUsage = fault?.missingUsage === true;
  await sendGenerated(scope, fault, {
    stream: request.stream === true,
    delays: planDelays(profile, fault, timingRngOf(scope), plan.steps),
    malformedFrame: ANTHROPIC_MALFORMED_FRAME,
    json: () => anthropicMessageBody(plan, meta, promptTokens, missingUsage),
    frames: (delays) => anthropicMessageFrames(plan, meta, promptTokens, missingUsage, delays),
  });
}
