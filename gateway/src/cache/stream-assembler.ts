import type { Usage } from '../pipeline/context.js';
import type { ChatChunk } from '../pipeline/outcome.js';
import { type CachedAnswer, StoredAnswerSchema } from './cached-answer.js';

interface ToolCallDraft {
  id?: string;
  type?: string;
  name: string;
  arguments: string;
}

/** A signed thinking block or a redacted one (the canonical `thinking_blocks` entries). */
type ThinkingBlock = { type: 'thinking'; thinking: string; signature: string } | { type: 'redacted_thinking'; data: string };

interface ChoiceDraft {
  role: string;
  content: string;
  sawContent: boolean;
  /** All `reasoning_content`; `pendingThinking` is the part not yet closed by a signature. */
  reasoning: string | undefined;
  pendingThinking: string;
  thinkingBlocks: ThinkingBlock[];
  refusal: string | undefined;
  toolCalls: Map<number, ToolCallDraft>;
  finishReason: string | undefined;
  logprobs: { content: unknown[]; refusal: unknown[] } | undefined;
}

type Delta = ChatChunk['choices'][number]['delta'];
type ToolCallDelta = { index?: number; id?: string; type?: string; function?: { name?: string; arguments?: string } };

/**
 * Rebuilds the complete answer from `chat.completion.chunk`s as they pass (content, tool
 * call fragments by index, refusal, reasoning and signed thinking blocks, logprobs, finish
 * reasons), so a stream can be cached once it has ended well. Bounded: past `maxChars` of text it gives up (`oversized`).
 */
export class StreamAssembler {
  private readonly choices = new Map<number, ChoiceDraft>();
  private id = '';
  private model = '';
  private created = 0;
  private fingerprint: string | undefined;
  private chars = 0;
  oversized = false;

  constructor(private readonly maxChars: number) {}

  push(chunk: ChatChunk): void {
    if (this.oversized) return;
    if (!this.id && typeof chunk.id === 'string') this.id = chunk.id;
    if (!this.model && typeof chunk.model === 'string') this.model = chunk.model;
    if (!this.created && typeof chunk.created === 'number') this.created = chunk.created;
    if (this.fingerprint === undefined && typeof chunk.system_fingerprint === 'string') this.fingerprint = chunk.system_fingerprint;
    for (const ch of chunk.choices ?? []) {
      const d = this.draft(ch.index ?? 0);
      if (ch.delta) this.apply(d, ch.delta);
      const lp = ch.logprobs as { content?: unknown; refusal?: unknown } | null | undefined;
      if (lp) {
        d.logprobs ??= { content: [], refusal: [] };
        if (Array.isArray(lp.content)) d.logprobs.content.push(...lp.content);
        if (Array.isArray(lp.refusal)) d.logprobs.refusal.push(...lp.refusal);
      }
      if (ch.finish_reason) d.finishReason = ch.finish_reason;
    }
    if (this.chars > this.maxChars) {
      this.oversized = true;
      this.choices.clear();
    }
  }

  /** The assembled answer, or undefined when nothing (valid) was assembled. */
  answer(usage: Usage, servedBy: string | undefined): CachedAnswer | undefined {
    if (this.oversized || this.choices.size === 0) return undefined;
    const choices = [...this.choices.entries()].sort((a, b) => a[0] - b[0]).map(([index, d]) => {
      const message: Record<string, unknown> = { role: d.role, content: d.sawContent || d.toolCalls.size === 0 ? d.content : null };
      if (d.reasoning !== undefined) message.reasoning_content = d.reasoning;
      if (d.thinkingBlocks.length > 0) message.thinking_blocks = d.thinkingBlocks;
      if (d.refusal !== undefined) message.refusal = d.refusal;
      if (d.toolCalls.size > 0) {
        message.tool_calls = [...d.toolCalls.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => ({
          id: t.id ?? '',
          type: t.type ?? 'function',
          function: { name: t.name, arguments: t.arguments },
        }));
      }
      return { index, message, finish_reason: d.finishReason ?? '', ...(d.logprobs ? { logprobs: d.logprobs } : {}) };
    });
    const r = StoredAnswerSchema.safeParse({ v: 1, id: this.id, model: this.model, created: this.created, systemFingerprint: this.fingerprint, choices, usage, servedBy });
    return r.success ? r.data : undefined;
  }

  private draft(index: number): ChoiceDraft {
    let d = this.choices.get(index);
    if (!d) {
      d = {
        role: 'assistant', content: '', sawContent: false, reasoning: undefined, pendingThinking: '', thinkingBlocks: [],
        refusal: undefined, toolCalls: new Map(), finishReason: undefined, logprobs: undefined,
      };
      this.choices.set(index, d);
    }
    return d;
  }

  private apply(d: ChoiceDraft, delta: Delta): void {
    if (typeof delta.role === 'string') d.role = delta.role;
    if (typeof delta.content === 'string') {
      d.content += delta.content;
      d.sawContent ||= delta.content !== '';
      this.chars += delta.content.length;
    }
    if (typeof delta.reasoning_content === 'string') {
      d.reasoning = (d.reasoning ?? '') + delta.reasoning_content;
      d.pendingThinking += delta.reasoning_content;
      this.chars += delta.reasoning_content.length;
    }
    // A signature closes the thinking streamed since the last block (the canonical stream's convention).
    if (Array.isArray(delta.thinking_blocks)) {
      for (const b of delta.thinking_blocks as Array<Record<string, unknown>>) {
        if (b?.type === 'thinking' && typeof b.signature === 'string') {
          d.thinkingBlocks.push({ type: 'thinking', thinking: d.pendingThinking, signature: b.signature });
          d.pendingThinking = '';
        } else if (b?.type === 'redacted_thinking' && typeof b.data === 'string') {
          d.thinkingBlocks.push({ type: 'redacted_thinking', data: b.data });
        }
      }
    }
    if (typeof delta.refusal === 'string') {
      d.refusal = (d.refusal ?? '') + delta.refusal;
      this.chars += delta.refusal.length;
    }
    if (!Array.isArray(delta.tool_calls)) return;
    for (const raw of delta.tool_calls as ToolCallDelta[]) {
      const i = typeof raw?.index === 'number' ? raw.index : d.toolCalls.size;
      let t = d.toolCalls.get(i);
      if (!t) {
        t = { name: '', arguments: '' };
        d.toolCalls.set(i, t);
      }
      if (typeof raw.id === 'string') t.id = raw.id;
      if (typeof raw.type === 'string') t.type = raw.type;
      if (typeof raw.function?.name === 'string') t.name += raw.function.name;
      if (typeof raw.function?.arguments === 'string') t.arguments += raw.function.arguments;
      this.chars += (raw.function?.name?.length ?? 0) + (raw.function?.arguments?.length ?? 0);
    }
  }
}
