import { GatewayError } from '../../errors.js';
import type { ChatChunk } from '../../pipeline/outcome.js';
import { finishReasonOf } from './finish-reason.js';
import { isRecord } from '../../schemas/json-checks.js';
import { openAiUsageOf } from './openai-usage.js';

/** Events that belong to a message, meaningless before its message_start. */
const MESSAGE_EVENTS = new Set(['content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);

export interface ChunkTranslatorOptions {
  /** Removes secrets (the provider's keys) from upstream text before it goes into an error. */
  scrub: (text: string) => string;
}

/** A `tool_use` block being streamed, by its Anthropic content index. */
interface OpenToolBlock {
  /** Its index among the message's tool calls: OpenAI's `tool_calls[].index`. */
  toolIndex: number;
  /** The `input` of `content_block_start` (always `{}` from Anthropic so far). */
  input: unknown;
  sentArguments: boolean;
}

/**
 * Anthropic Messages SSE events → OpenAI `chat.completion.chunk` objects, one event at a
 * time (the caller parses the SSE framing). Pure and incremental:
 *
 * - message_start → the role chunk; its usage is kept for the end;
 * - text / thinking deltas → `content` / `reasoning_content` deltas;
 * - a thinking block's signature (its `signature_delta`, sent as the block ends) → a
 *   `thinking_blocks: [{ type: 'thinking', thinking: '', signature }]` delta, and a
 *   redacted_thinking block (sent whole at its start) → `thinking_blocks: [{ type:
 *   'redacted_thinking', data }]`: LiteLLM's extension, with which a client rebuilds the
 *   blocks it must send back (each signature closes the thinking text streamed before it);
 * - a tool_use block → a `tool_calls` delta with id and name, its `input_json_delta`s →
 *   argument deltas, under an index counting the message's tool_use blocks from 0;
 * - message_delta → the finish chunk; message_stop → a usage chunk (`choices: []`) when the
 *   upstream reported usage, then `finished`;
 * - `error` → throws; ping and event types this code does not know → nothing, as Anthropic's
 *   versioning policy asks of clients.
 *
 * Throws `GW_UPSTREAM_STREAM_BROKEN` (retryable) for an error event or a malformed one.
 */
export class ChatChunkTranslator {
  private started = false;
  private stopped = false;
  private id = '';
  private model = '';
  private startUsage: Record<string, unknown> | undefined;
  private finalUsage: Record<string, unknown> | undefined;
  private toolCount = 0;
  private readonly toolBlocks = new Map<number, OpenToolBlock>();

  constructor(
    private readonly provider: string,
    private readonly created: number,
    private readonly opts: ChunkTranslatorOptions,
  ) {}

  /** True once message_stop has been seen: anything after it is ignored. */
  get finished(): boolean {
    return this.stopped;
  }

  /** One SSE event (its `event:` name and `data:` text) → the chunks it makes, often one, maybe none. */
  push(event: string | undefined, data: string): ChatChunk[] {
    if (this.stopped) return [];
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch (err) {
      throw this.malformed('a malformed event (not JSON)', err);
    }
    if (!isRecord(payload)) throw this.malformed('an event that is not a JSON object');
    // The payload names its type too, and outlives proxies that drop `event:` lines.
    const type = typeof payload.type === 'string' ? payload.type : event;
    if (type === 'error') throw this.reportedError(payload.error);
    if (type === 'message_start') return this.messageStart(payload.message);
    if (type === 'ping') return [];
    if (!this.started && type !== undefined && MESSAGE_EVENTS.has(type)) throw this.malformed(`${type} before message_start`);
    switch (type) {
      case 'content_block_start':
        return this.blockStart(payload.index, payload.content_block);
      case 'content_block_delta':
        return this.blockDelta(payload.index, payload.delta);
      case 'content_block_stop':
        return this.blockStop(payload.index);
      case 'message_delta':
        if (isRecord(payload.usage)) this.finalUsage = payload.usage;
        return [this.chunk({}, finishReasonOf(isRecord(payload.delta) ? payload.delta.stop_reason : undefined))];
      case 'message_stop':
        return this.messageStop();
      default:
        return [];
    }
  }

  private messageStart(message: unknown): ChatChunk[] {
    if (!isRecord(message)) throw this.malformed('a message_start without a message');
    this.started = true;
    this.id = typeof message.id === 'string' ? message.id : '';
    this.model = typeof message.model === 'string' ? message.model : '';
    this.startUsage = isRecord(message.usage) ? message.usage : undefined;
    return [this.chunk({ role: 'assistant', content: '' })];
  }

  private blockStart(index: unknown, block: unknown): ChatChunk[] {
    if (!isRecord(block)) throw this.malformed('a content_block_start without a content block');
    switch (block.type) {
      case 'text':
        return typeof block.text === 'string' && block.text !== '' ? [this.chunk({ content: block.text })] : [];
      case 'thinking': {
        // Anthropic starts with both empty and streams them; a whole block at the start is told the same way.
        const chunks = typeof block.thinking === 'string' && block.thinking !== '' ? [this.chunk({ reasoning_content: block.thinking })] : [];
        if (typeof block.signature === 'string' && block.signature !== '') chunks.push(this.signatureChunk(block.signature));
        return chunks;
      }
      case 'redacted_thinking':
        if (typeof block.data !== 'string') throw this.malformed('a redacted_thinking block without data');
        return [this.chunk({ thinking_blocks: [{ type: 'redacted_thinking', data: block.data }] })];
      case 'tool_use': {
        if (typeof index !== 'number' || typeof block.id !== 'string' || typeof block.name !== 'string') {
          throw this.malformed('a tool_use block without index, id or name');
        }
        const toolIndex = this.toolCount++;
        this.toolBlocks.set(index, { toolIndex, input: block.input, sentArguments: false });
        return [this.chunk({ tool_calls: [{ index: toolIndex, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }] })];
      }
      default:
        return [];
    }
  }

  private blockDelta(index: unknown, delta: unknown): ChatChunk[] {
    if (!isRecord(delta)) throw this.malformed('a content_block_delta without a delta');
    switch (delta.type) {
      case 'text_delta':
        return this.textDelta('content', delta.text);
      case 'thinking_delta':
        return this.textDelta('reasoning_content', delta.thinking);
      case 'signature_delta':
        if (typeof delta.signature !== 'string') throw this.malformed('a signature_delta without a signature');
        return [this.signatureChunk(delta.signature)];
      case 'input_json_delta': {
        const tool = typeof index === 'number' ? this.toolBlocks.get(index) : undefined;
        if (tool === undefined) throw this.malformed('an input_json_delta outside a tool_use block');
        if (typeof delta.partial_json !== 'string') throw this.malformed('an input_json_delta without partial_json');
        if (delta.partial_json === '') return [];
        tool.sentArguments = true;
        return [this.chunk({ tool_calls: [{ index: tool.toolIndex, function: { arguments: delta.partial_json } }] })];
      }
      default:
        // citations_delta (OpenAI chunks have no citations), later additions.
        return [];
    }
  }

  private textDelta(field: 'content' | 'reasoning_content', text: unknown): ChatChunk[] {
    if (typeof text !== 'string') throw this.malformed(`a ${field === 'content' ? 'text' : 'thinking'}_delta without text`);
    return text === '' ? [] : [this.chunk({ [field]: text })];
  }

  private signatureChunk(signature: string): ChatChunk {
    return this.chunk({ thinking_blocks: [{ type: 'thinking', thinking: '', signature }] });
  }

  private blockStop(index: unknown): ChatChunk[] {
    const tool = typeof index === 'number' ? this.toolBlocks.get(index) : undefined;
    if (tool === undefined) return [];
    this.toolBlocks.delete(index as number);
    if (tool.sentArguments) return [];
    // A call without parameters may stream no JSON at all; OpenAI clients parse the
    // arguments, and '' is not JSON: send the block's own input, as the JSON answer does.
    return [this.chunk({ tool_calls: [{ index: tool.toolIndex, function: { arguments: JSON.stringify(tool.input ?? {}) } }] })];
  }

  private messageStop(): ChatChunk[] {
    this.stopped = true;
    const usage = this.usage();
    if (usage === undefined) return [];
    return [{ id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [], usage }];
  }

  /**
   * message_start carries the input counts (its output count is a placeholder), message_delta
   * the final output count — and, in newer API versions, cumulative input counts, which win.
   * Without message_delta's usage nothing is reported: the caller then counts itself.
   */
  private usage(): ReturnType<typeof openAiUsageOf> {
    if (this.finalUsage === undefined) return undefined;
    const merged: Record<string, unknown> = { ...this.startUsage };
    for (const [key, value] of Object.entries(this.finalUsage)) if (value !== null && value !== undefined) merged[key] = value;
    return openAiUsageOf(merged);
  }

  private chunk(delta: ChatChunk['choices'][number]['delta'], finishReason: string | null = null): ChatChunk {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    };
  }

  private reportedError(error: unknown): GatewayError {
    const said = isRecord(error) ? (typeof error.message === 'string' ? error.message : error.type) : undefined;
    const message = `provider ${this.provider} reported an error mid-stream: ${this.opts.scrub(typeof said === 'string' ? said : 'unknown')}`;
    return new GatewayError('GW_UPSTREAM_STREAM_BROKEN', message.slice(0, 500), { retryable: true, provider: this.provider, clientCode: 'upstream_stream_error' });
  }

  private malformed(what: string, cause?: unknown): GatewayError {
    return new GatewayError('GW_UPSTREAM_STREAM_BROKEN', `stream from provider ${this.provider} carried ${what}`, {
      cause,
      retryable: true,
      provider: this.provider,
      clientCode: 'upstream_malformed_chunk',
    });
  }
}
