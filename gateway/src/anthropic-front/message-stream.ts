import { GatewayError } from '../errors.js';
import type { ChatChunk } from '../pipeline/outcome.js';
import { messageIdOf, messageUsage, stopReasonOf } from './answer-fields.js';
import { isRecord } from '../schemas/json-checks.js';

type BlockKind = 'thinking' | 'redacted_thinking' | 'text' | 'tool_use';
/** Each delta type and the field that carries its text. */
const DELTA_FIELDS = { thinking_delta: 'thinking', signature_delta: 'signature', text_delta: 'text', input_json_delta: 'partial_json' } as const;
const THINKING_START = { type: 'thinking', thinking: '', signature: '' } as const;

const frame = (event: string, payload: unknown): string => `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;

/**
 * OpenAI `chat.completion.chunk`s (choice 0 only: Anthropic has no `n`) → Anthropic Messages
 * SSE text, one chunk at a time. Pure: the caller writes what `push`, `end` and `error` return.
 *
 * Blocks open as their content first appears and a new kind closes the open block, so the
 * client sees Anthropic's sequence (start, deltas, stop; one block at a time):
 * `reasoning_content` → thinking, content (and refusal) → text, each tool call index → its own
 * tool_use with the argument fragments as `input_json_delta`. Empty fragments open nothing.
 * `thinking_blocks` entries (an Anthropic provider's, LiteLLM's convention) complete the
 * thinking: a signature is the `signature_delta` that ends the open thinking block (so the
 * next reasoning opens another), a redacted block is a whole `redacted_thinking` block. Their
 * thinking text is not used: `reasoning_content` carries it (LiteLLM sends both).
 * An answer with neither text nor tool calls gets an empty text block at the end, as the JSON
 * translation does. OpenAI sends usage only in the last chunk, so `message_start` carries the
 * caller's input estimate (or usage, if already seen) and `message_delta` the final counts, the
 * input ones included (the SDK's accumulator takes them from there, as from Anthropic).
 */
export class MessageStreamWriter {
  private started = false;
  private ended = false;
  private blocksStarted = 0;
  private openKind: BlockKind | undefined;
  /** OpenAI index of the tool call whose block is open. */
  private openToolIndex = -1;
  private readonly toolIndices = new Set<number>();
  private sawTextOrTool = false;
  private finishReason: unknown;
  private usage: unknown;

  constructor(private readonly opts: { fallbackModel: string; inputTokens?: number }) {}

  push(chunk: ChatChunk): string {
    if (this.ended) return '';
    if (isRecord(chunk.usage)) this.usage = chunk.usage;
    let out = this.started ? '' : this.start(chunk);
    const choice = chunk.choices?.find((c) => (c.index ?? 0) === 0);
    if (!choice) return out;
    const delta = isRecord(choice.delta) ? choice.delta : {};
    const reasoning = delta.reasoning_content;
    if (typeof reasoning === 'string' && reasoning !== '') {
      out += this.open('thinking', THINKING_START);
      out += this.delta('thinking_delta', reasoning);
    }
    if (Array.isArray(delta.thinking_blocks)) {
      for (const entry of delta.thinking_blocks) out += this.thinkingBlockEntry(entry);
    }
    for (const text of [delta.content, delta.refusal]) {
      if (typeof text !== 'string' || text === '') continue;
      out += this.open('text', { type: 'text', text: '' });
      out += this.delta('text_delta', text);
    }
    if (Array.isArray(delta.tool_calls)) {
      for (const call of delta.tool_calls) out += this.toolCallFragment(call);
    }
    if (typeof choice.finish_reason === 'string') this.finishReason = choice.finish_reason;
    return out;
  }

  /** The closing frames; call once the upstream stream ended well. */
  end(): string {
    if (this.ended) return '';
    let out = this.started ? '' : this.start({ choices: [] });
    if (!this.sawTextOrTool) out += this.open('text', { type: 'text', text: '' });
    out += this.close();
    this.ended = true;
    const usage = messageUsage(this.usage, this.opts.inputTokens ?? 0);
    out += frame('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReasonOf(this.finishReason), stop_sequence: null },
      usage: {
        output_tokens: usage.output_tokens,
        input_tokens: usage.input_tokens,
        cache_creation_input_tokens: usage.cache_creation_input_tokens,
        cache_read_input_tokens: usage.cache_read_input_tokens,
      },
    });
    return out + frame('message_stop', { type: 'message_stop' });
  }

  /** Anthropic's terminal error event; nothing follows it. */
  error(type: string, message: string): string {
    if (this.ended) return '';
    this.ended = true;
    return frame('error', { type: 'error', error: { type, message } });
  }

  private start(chunk: ChatChunk): string {
    this.started = true;
    const usage = messageUsage(this.usage, this.opts.inputTokens ?? 0);
    const message = {
      id: messageIdOf(chunk.id),
      type: 'message',
      role: 'assistant',
      model: typeof chunk.model === 'string' && chunk.model !== '' ? chunk.model : this.opts.fallbackModel,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...usage, output_tokens: 0 },
    };
    return frame('message_start', { type: 'message_start', message });
  }

  /** A signature closes its thinking block (opening an empty one if none is open); a redacted block opens and closes at once. */
  private thinkingBlockEntry(entry: unknown): string {
    if (!isRecord(entry)) return '';
    if (entry.type === 'thinking' && typeof entry.signature === 'string' && entry.signature !== '') {
      return this.open('thinking', THINKING_START) + this.delta('signature_delta', entry.signature) + this.close();
    }
    if (entry.type === 'redacted_thinking' && typeof entry.data === 'string') {
      return this.open('redacted_thinking', { type: 'redacted_thinking', data: entry.data }) + this.close();
    }
    return '';
  }

  private toolCallFragment(call: unknown): string {
    if (!isRecord(call)) return '';
    const index = typeof call.index === 'number' ? call.index : this.openKind === 'tool_use' ? this.openToolIndex : 0;
    const fn = isRecord(call.function) ? call.function : {};
    let out = '';
    if (this.openKind !== 'tool_use' || this.openToolIndex !== index) {
      // A closed Anthropic block cannot take more input; the client would run a cut-off call.
      if (this.toolIndices.has(index)) {
        throw new GatewayError('GW_UPSTREAM_STREAM_BROKEN', `upstream resumed tool call ${index} after another block started`, { retryable: true });
      }
      out += this.open('tool_use', {
        type: 'tool_use',
        id: typeof call.id === 'string' ? call.id : '',
        name: typeof fn.name === 'string' ? fn.name : '',
        input: {},
      });
      this.openToolIndex = index;
      this.toolIndices.add(index);
    }
    if (typeof fn.arguments === 'string' && fn.arguments !== '') {
      out += this.delta('input_json_delta', fn.arguments);
    }
    return out;
  }

  /** Opens a block of `kind` unless one is open (tool_use blocks always open anew; redacted ones close as they open). */
  private open(kind: BlockKind, contentBlock: Record<string, unknown>): string {
    if (this.openKind === kind && kind !== 'tool_use') return '';
    const out = this.close();
    this.openKind = kind;
    if (kind === 'text' || kind === 'tool_use') this.sawTextOrTool = true;
    return out + frame('content_block_start', { type: 'content_block_start', index: this.blocksStarted++, content_block: contentBlock });
  }

  private close(): string {
    if (this.openKind === undefined) return '';
    this.openKind = undefined;
    return frame('content_block_stop', { type: 'content_block_stop', index: this.blocksStarted - 1 });
  }

  /** Deltas are nearly every frame of a stream: a fixed template costs a third of stringifying the event. */
  private delta(type: keyof typeof DELTA_FIELDS, value: string): string {
    return `event: content_block_delta\ndata: {"type":"content_block_delta","index":${this.blocksStarted - 1},"delta":{"type":"${type}","${DELTA_FIELDS[type]}":${JSON.stringify(value)}}}\n\n`;
  }
}
