import { z } from 'zod';
import { DistributionSchema } from '../sim/random.js';
import { DurationTextSchema } from './duration.js';

/**
 * The steps of one agent run. Each step is an object with exactly one key naming its kind
 * (`llm`, `tool`, `callTools`, `think`, `sequence`, `branch`, `loop`), so a YAML file reads
 * like the agent's program and every error points at the step that has it.
 */

/** Template variables: a value, or a list from which each run picks one (seeded). */
export const VarsSchema = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]*$/, 'letters, digits, "_" and "." only'),
  z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()])).min(1)]),
);
export type Vars = z.infer<typeof VarsSchema>;

const MessageSchema = z
  .object({
    role: z.enum(['system', 'user', 'assistant', 'developer']),
    /** Text; `{{var}}` placeholders are filled from the step's, then the agent's vars. */
    content: z.string(),
  })
  .strict();

/** A tool offered to the model: an MCP tool through the gateway, or an inline function. */
export const OfferedToolSchema = z.union([
  z.object({ server: z.string().min(1), tool: z.string().min(1) }).strict(),
  z
    .object({
      function: z
        .object({
          name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" and "-" (at most 64)'),
          description: z.string().optional(),
          parameters: z.record(z.string(), z.unknown()).optional(),
        })
        .strict(),
      /** Size of the stub result `callTools` feeds back (inline functions have no server). */
      resultBytes: z.number().int().nonnegative().max(1_048_576).default(64),
    })
    .strict(),
]);
export type OfferedTool = z.infer<typeof OfferedToolSchema>;

/**
 * The wire API an LLM call speaks to the gateway: OpenAI chat completions
 * (`POST /v1/chat/completions`) or Anthropic Messages (`POST /v1/messages`, as Anthropic's
 * SDKs and Claude Code send it). The run's conversation is the same either way.
 */
export const LlmApiSchema = z.enum(['openai', 'anthropic']);
export type LlmApi = z.infer<typeof LlmApiSchema>;

const OutcomeSchema = z.enum(['tool_calls', 'text', 'length', 'ok', 'error']);
/** What a branch or loop tests about the previous step. */
export type StepOutcome = z.infer<typeof OutcomeSchema>;
const OutcomeListSchema = z.union([OutcomeSchema, z.array(OutcomeSchema).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

export const LlmStepSchema = z
  .object({
    /** Statistics key; default `llm <model>`. */
    name: z.string().min(1).max(64).optional(),
    model: z.string().min(1),
    /** Wire API of this call; default: the agent's `api`. */
    api: LlmApiSchema.optional(),
    /** Appended to the run's conversation before the call. */
    messages: z.array(MessageSchema).max(64).optional(),
    /** Shorthand for one user message. */
    prompt: z.string().optional(),
    /** A generated user message sized so the call has this many prompt tokens (replays). */
    promptTokens: z.number().int().min(1).max(1_000_000).optional(),
    /** `keep`: send the run's conversation so far; `reset`: only this step's messages. */
    history: z.enum(['keep', 'reset']).default('keep'),
    stream: z.boolean().default(true),
    /** Default: none (OpenAI), 1024 (Anthropic, which requires it). */
    maxTokens: z.number().int().positive().optional(),
    /** Answer length asked of a simulated upstream (`x-sim-fault: output-tokens=N`). */
    outputTokens: DistributionSchema.optional(),
    tools: z.array(OfferedToolSchema).max(128).optional(),
    toolChoice: z.enum(['auto', 'none', 'required']).optional(),
    temperature: z.number().min(0).max(2).optional(),
    /** Raw `x-sim-fault` spec for this call (drills against simulated upstreams). */
    simFault: z.string().optional(),
    /** Extra request headers (no credentials: identities carry those). */
    headers: z.record(z.string(), z.string()).optional(),
    vars: VarsSchema.optional(),
  })
  .strict()
  .refine((s) => s.messages !== undefined || s.prompt !== undefined || s.promptTokens !== undefined || s.history === 'keep', {
    message: 'give messages, prompt or promptTokens (or keep the history)',
  });

export const ToolStepSchema = z
  .object({
    name: z.string().min(1).max(64).optional(),
    /** MCP server as the gateway names it (the `<server>` of `<server>__<tool>`). */
    server: z.string().min(1),
    tool: z.string().min(1),
    /** Arguments (string values are templates); `auto` fills required ones from the tool's input schema. */
    args: z.union([z.literal('auto'), z.record(z.string(), z.unknown())]).default('auto'),
    /** Append the result to the conversation as a user message. */
    feedResult: z.boolean().default(false),
    vars: VarsSchema.optional(),
  })
  .strict();

export const CallToolsStepSchema = z
  .object({
    name: z.string().min(1).max(64).optional(),
    /** Tool calls of one answer executed at most (the rest are answered as skipped). */
    maxCalls: z.number().int().min(1).max(32).default(8),
  })
  .strict();

/** Think time: a duration or a distribution in milliseconds. */
export const ThinkSchema = z.union([
  DurationTextSchema.transform((ms) => ({ fixed: ms })),
  DistributionSchema,
]);

export type Step = z.output<typeof StepSchema>;

export const StepSchema: z.ZodType<StepOutput, unknown> = z
  .object({
    llm: LlmStepSchema.optional(),
    tool: ToolStepSchema.optional(),
    /** Call the tools the previous LLM answer asked for and feed the results back. */
    callTools: CallToolsStepSchema.optional(),
    think: ThinkSchema.optional(),
    get sequence() {
      return z.array(StepSchema).min(1).max(256).optional();
    },
    get branch() {
      return z
        .object({
          /** Outcome(s) of the previous step that take the `then` path. */
          if: OutcomeListSchema,
          then: z.array(StepSchema).max(256),
          else: z.array(StepSchema).max(256).default([]),
        })
        .strict()
        .optional();
    },
    get loop() {
      return z
        .object({
          /** Run the body this many times … */
          times: z.number().int().min(1).max(1_000).optional(),
          /** … or while the previous step's outcome is one of these (checked before each pass) … */
          while: OutcomeListSchema.optional(),
          /** … but never more than this many passes. */
          max: z.number().int().min(1).max(1_000).default(10),
          steps: z.array(StepSchema).min(1).max(256),
        })
        .strict()
        .refine((l) => (l.times === undefined) !== (l.while === undefined), { message: 'give exactly one of times or while' })
        .optional();
    },
  })
  .strict()
  // Editors learn the one-kind rule from the JSON Schema; the refinement below words it.
  .meta({ minProperties: 1, maxProperties: 1 })
  .superRefine((step, ctx) => {
    const kinds = Object.keys(step).filter((k) => (step as Record<string, unknown>)[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: kinds.length === 0
          ? 'a step needs one of llm, tool, callTools, think, sequence, branch, loop'
          : `a step has exactly one kind; got ${kinds.join(', ')}`,
      });
    }
  }) as unknown as z.ZodType<StepOutput, unknown>;

type LlmStep = z.output<typeof LlmStepSchema>;
type ToolStep = z.output<typeof ToolStepSchema>;
type CallToolsStep = z.output<typeof CallToolsStepSchema>;
type Think = z.output<typeof ThinkSchema>;

/** A validated step (exactly one kind set). */
export interface StepOutput {
  llm?: LlmStep;
  tool?: ToolStep;
  callTools?: CallToolsStep;
  think?: Think;
  sequence?: StepOutput[];
  branch?: { if: StepOutcome[]; then: StepOutput[]; else: StepOutput[] };
  loop?: { times?: number; while?: StepOutcome[]; max: number; steps: StepOutput[] };
}
export type { LlmStep, ToolStep, CallToolsStep, Think };
