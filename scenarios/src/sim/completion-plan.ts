import { generatePieces } from './content.js';
import type { FaultSpec } from './fault-spec.js';
import type { ModelProfile } from './profiles.js';
import { createRng, deriveSeed, hashString, isAlwaysZero, sample, type Rng } from './random.js';
import { generateToolArguments } from './tool-args.js';
import { countTextTokens } from './token-count.js';

/**
 * The answer to one request, before any wire framing: per choice either text pieces (one
 * token each) or one tool call, the finish reason and token counts. OpenAI and Anthropic
 * frames are both rendered from this, and JSON and stream from the same plan — which is
 * why a reassembled stream always equals the JSON answer.
 */

export interface ToolOffer {
  readonly name: string;
  readonly parameters: unknown;
}

/** `auto`/`required` call a tool; `none` never does; `name` forces that tool. */
export interface ToolChoice {
  readonly mode: 'auto' | 'none' | 'required';
  readonly name?: string;
}

export interface PlannedToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
  /** The argument JSON cut into stream deltas. */
  readonly argumentPieces: readonly string[];
}

export interface ChoicePlan {
  readonly index: number;
  readonly pieces: readonly string[];
  readonly text: string;
  readonly toolCall: PlannedToolCall | undefined;
  readonly finish: 'stop' | 'length' | 'tool_calls';
  readonly completionTokens: number;
}

export interface CompletionPlan {
  readonly contentSeed: number;
  readonly choices: readonly ChoicePlan[];
  readonly completionTokens: number;
  /** Stream steps: the longest choice's piece count. */
  readonly steps: number;
}

export interface PlanInput {
  readonly seed: number;
  readonly model: string;
  /** Everything the answer should depend on, e.g. `conversationDigestText(messages)`. */
  readonly digestText: string;
  readonly profile: ModelProfile;
  readonly choices: number;
  readonly maxTokens: number | undefined;
  readonly tools: readonly ToolOffer[];
  readonly toolChoice: ToolChoice;
  /** A tool just answered: reply in text. */
  readonly endsWithToolResult: boolean;
  readonly fault: FaultSpec | undefined;
  /** Prefix of tool-call ids (`call_` for OpenAI, `toolu_` for Anthropic). */
  readonly toolIdPrefix: string;
}

const ARGUMENT_PIECE_CHARS = 6;

function splitArguments(json: string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < json.length; i += ARGUMENT_PIECE_CHARS) pieces.push(json.slice(i, i + ARGUMENT_PIECE_CHARS));
  return pieces.length > 0 ? pieces : [''];
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Base-62 id fragment from a seed: deterministic ids that look like the real ones. */
export function idFragment(seed: number, length = 24): string {
  const rng = createRng(seed);
  let out = '';
  for (let i = 0; i < length; i++) out += ID_ALPHABET[Math.floor(rng() * ID_ALPHABET.length)];
  return out;
}

function pickTool(input: PlanInput): ToolOffer | undefined {
  if (input.tools.length === 0 || input.endsWithToolResult || input.toolChoice.mode === 'none') return undefined;
  const named = input.toolChoice.name;
  return (named !== undefined ? input.tools.find((t) => t.name === named) : undefined) ?? input.tools[0];
}

function planToolChoice(index: number, tool: ToolOffer, input: PlanInput, contentSeed: number): ChoicePlan {
  const args = JSON.stringify(generateToolArguments(tool.parameters));
  const toolCall: PlannedToolCall = {
    id: `${input.toolIdPrefix}${idFragment(deriveSeed(contentSeed, 'tool', index))}`,
    name: tool.name,
    arguments: args,
    argumentPieces: splitArguments(args),
  };
  const completionTokens = countTextTokens(tool.name) + countTextTokens(args);
  return { index, pieces: [], text: '', toolCall, finish: 'tool_calls', completionTokens };
}

function planTextChoice(index: number, input: PlanInput, contentSeed: number): ChoicePlan {
  const rng = createRng(deriveSeed(contentSeed, index));
  const wanted = input.fault?.outputTokens ?? Math.max(1, Math.round(sample(input.profile.outputTokens, rng)));
  const cap = input.maxTokens ?? Infinity;
  const pieces = generatePieces(rng, Math.min(wanted, cap));
  // Each piece is one token by construction (see content.ts), so the count is the length.
  const finish = wanted > cap ? 'length' : 'stop';
  return { index, pieces, text: pieces.join(''), toolCall: undefined, finish, completionTokens: pieces.length };
}

/** Plans the whole answer. Pure given the input. */
export function planCompletion(input: PlanInput): CompletionPlan {
  const contentSeed = deriveSeed(input.seed, input.model, hashString(input.digestText));
  const tool = pickTool(input);
  const choices: ChoicePlan[] = [];
  for (let index = 0; index < input.choices; index++) {
    choices.push(tool ? planToolChoice(index, tool, input, contentSeed) : planTextChoice(index, input, contentSeed));
  }
  let completionTokens = 0;
  let steps = 1;
  for (const choice of choices) {
    completionTokens += choice.completionTokens;
    steps = Math.max(steps, choice.toolCall ? choice.toolCall.argumentPieces.length : choice.pieces.length);
  }
  return { contentSeed, choices, completionTokens, steps };
}

/**
 * Delay before each stream step: step 0 waits the time to first token, later steps the
 * per-token delay (sampled per token). Undefined when every delay is zero, so the server
 * can answer without a single timer.
 */
export function planDelays(profile: ModelProfile, fault: FaultSpec | undefined, rng: Rng, steps: number): number[] | undefined {
  const ttftFixed = fault?.ttftMs;
  const tokenFixed = fault?.tokenMs;
  const ttftZero = ttftFixed !== undefined ? ttftFixed <= 0 : isAlwaysZero(profile.ttftMs);
  const tokenZero = tokenFixed !== undefined ? tokenFixed <= 0 : isAlwaysZero(profile.tokenDelayMs);
  if (ttftZero && tokenZero) return undefined;
  const delays = new Array<number>(steps);
  delays[0] = Math.max(0, ttftFixed ?? sample(profile.ttftMs, rng));
  for (let i = 1; i < steps; i++) delays[i] = Math.max(0, tokenFixed ?? sample(profile.tokenDelayMs, rng));
  return delays;
}
