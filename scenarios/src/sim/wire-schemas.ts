import { z } from 'zod';

/**
 * The request bodies the simulator reads, validated at the boundary. Loose objects: the real
 * APIs accept many more fields than the simulator uses, and unknown ones must pass.
 */

const OpenAiContentSchema = z.union([z.string(), z.array(z.looseObject({ type: z.string() })), z.null()]);

const OpenAiToolCallSchema = z.looseObject({
  id: z.string().optional(),
  type: z.string().optional(),
  function: z.looseObject({ name: z.string(), arguments: z.string().optional() }).optional(),
});

export const OpenAiMessageSchema = z.looseObject({
  role: z.string(),
  content: OpenAiContentSchema.optional(),
  name: z.string().optional(),
  tool_calls: z.array(OpenAiToolCallSchema).optional(),
  tool_call_id: z.string().optional(),
});
export type OpenAiMessage = z.output<typeof OpenAiMessageSchema>;

const OpenAiToolSchema = z.looseObject({
  type: z.string().optional(),
  function: z.looseObject({
    name: z.string(),
    description: z.string().optional(),
    parameters: z.unknown().optional(),
  }),
});

const OpenAiToolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.string().optional(), function: z.looseObject({ name: z.string() }) }),
]);

export const ChatCompletionRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(OpenAiMessageSchema).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  n: z.number().int().min(1).max(16).nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  seed: z.number().int().nullish(),
  tools: z.array(OpenAiToolSchema).nullish(),
  tool_choice: OpenAiToolChoiceSchema.nullish(),
});
export type ChatCompletionRequest = z.output<typeof ChatCompletionRequestSchema>;

const AnthropicBlockSchema = z.looseObject({ type: z.string() });
export type AnthropicBlock = z.output<typeof AnthropicBlockSchema>;

export const AnthropicMessageSchema = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(AnthropicBlockSchema)]),
});
export type AnthropicMessage = z.output<typeof AnthropicMessageSchema>;

const AnthropicToolSchema = z.looseObject({
  name: z.string(),
  description: z.string().optional(),
  input_schema: z.unknown().optional(),
});

export const MessagesRequestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().min(1),
  messages: z.array(AnthropicMessageSchema).min(1),
  system: z.union([z.string(), z.array(AnthropicBlockSchema)]).optional(),
  stream: z.boolean().optional(),
  tools: z.array(AnthropicToolSchema).optional(),
  tool_choice: z
    .looseObject({ type: z.enum(['auto', 'any', 'tool', 'none']), name: z.string().optional() })
    .optional(),
  metadata: z.unknown().optional(),
});
export type MessagesRequest = z.output<typeof MessagesRequestSchema>;

export const EmbeddingsRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1),
    z.array(z.number().int()).min(1),
    z.array(z.array(z.number().int()).min(1)).min(1),
  ]),
  dimensions: z.number().int().min(1).max(8192).optional(),
  encoding_format: z.enum(['float', 'base64']).optional(),
});
export type EmbeddingsRequest = z.output<typeof EmbeddingsRequestSchema>;

/** First issue of a failed parse as `path: message`, for the API's error body. */
export function describeIssue(error: z.ZodError): { message: string; param: string | null } {
  const issue = error.issues[0];
  if (!issue) return { message: 'invalid request body', param: null };
  const param = issue.path.length > 0 ? issue.path.join('.') : null;
  return { message: param ? `${param}: ${issue.message}` : issue.message, param };
}
