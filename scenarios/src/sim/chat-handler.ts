import { answeredByFault, rejectedByQuota, rejectedForContext, resolveFault } from './answer-gate.js';
import { idFragment, planCompletion, planDelays, type ToolChoice } from './completion-plan.js';
import { badRequest, contentSeedOf, fingerprintFor, modelNotFound, nowUnixSeconds, timingRngOf } from './handler-support.js';
import { OPENAI_MALFORMED_FRAME, openAiChatBody, openAiChatFrames } from './openai-frames.js';
import { conversationDigestText, openAiEndsWithToolResult, openAiPromptMessages } from './prompt-text.js';
import { deriveSeed } from './random.js';
import { sendError, type RequestScope } from './request-scope.js';
import { sendGenerated } from './send-generated.js';
import { countPromptTokens } from './token-count.js';
import { ChatCompletionRequestSchema, type ChatCompletionRequest } from './wire-schemas.js';

/** `POST /v1/chat/completions`: OpenAI chat completions, JSON or SSE. */

function toolChoiceOf(choice: ChatCompletionRequest['tool_choice']): ToolChoice {
  if (choice === undefined || choice === null) return { mode: 'auto' };
  if (typeof choice === 'string') return { mode: choice };
  return { mode: 'required', name: choice.function.name };
}

export async function handleChatCompletion(scope: RequestScope, body: unknown): Promise<void> {
  const parsed = ChatCompletionRequestSchema.safeParse(body);
  if (!parsed.success) return sendError(scope, badRequest(parsed.error));
  const request = parsed.data;
  const { state } = scope;
  state.stats.model(request.model);
  const fault = resolveFault(scope, request.model);
  if (await answeredByFault(scope, fault)) return;
  const profile = state.profiles.lookup(request.model);
  if (!profile) return sendError(scope, modelNotFound(scope, request.model));

  const messages = openAiPromptMessages(request.messages);
  const tools = (request.tools ?? []).map((tool) => ({ name: tool.function.name, parameters: tool.function.parameters }));
  const promptTokens = countPromptTokens(messages, tools.length > 0 ? JSON.stringify(request.tools) : '');
  if (rejectedForContext(scope, fault, promptTokens, profile.contextWindowTokens)) return;

  const plan = planCompletion({
    seed: contentSeedOf(scope, request.seed),
    model: request.model,
    digestText: conversationDigestText(messages),
    profile,
    choices: request.n ?? 1,
    maxTokens: request.max_completion_tokens ?? request.max_tokens ?? undefined,
    tools,
    toolChoice: toolChoiceOf(request.tool_choice),
    endsWithToolResult: openAiEndsWithToolResult(request.messages),
    fault,
    toolIdPrefix: 'call_',
  });
  if (rejectedByQuota(scope, request.model, promptTokens + plan.completionTokens)) return;
  state.stats.tokens(promptTokens, plan.completionTokens);

  const meta = {
    id: `chatcmpl-${idFragment(deriveSeed(plan.contentSeed, scope.seq), 29)}`,
    created: nowUnixSeconds(),
    model: request.model,
    fingerprint: fingerprintFor(request.model),
  };
  const missingUsage = fault?.missingUsage === true;
  const streamOptions = { includeUsage: request.stream_options?.include_usage === true, missingUsage };
  await sendGenerated(scope, fault, {
    stream: request.stream === true,
    delays: planDelays(profile, fault, timingRngOf(scope), plan.steps),
    malformedFrame: OPENAI_MALFORMED_FRAME,
    json: () => openAiChatBody(plan, meta, promptTokens, missingUsage),
    frames: (delays) => openAiChatFrames(plan, meta, promptTokens, streamOptions, delays),
  });
}
