import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatChunk } from '../pipeline/outcome.js';
import type { CachedAnswer } from './cached-answer.js';
import { streamReply } from './replay.js';
import { StreamAssembler } from './stream-assembler.js';

const usage = { inputTokens: 5, outputTokens: 7, cachedInputTokens: 0, estimated: false };

async function replayChunks(answer: CachedAnswer, chunkChars: number): Promise<ChatChunk[]> {
  const out = streamReply(answer, { chunkChars, paceMs: 0, wallNowMs: 0, now: () => 0, receivedAtMs: 0, clientWantsUsage: true, signal: new AbortController().signal });
  const chunks: ChatChunk[] = [];
  for await (const c of out.chunks) chunks.push(c);
  const s = await out.summary;
  expect(s.error).toBeUndefined();
  expect(s.usage).toEqual(usage);
  return chunks;
}

const toolCall = fc.record({ id: fc.string({ minLength: 1, maxLength: 8 }), type: fc.constant('function'), function: fc.record({ name: fc.string({ minLength: 1, maxLength: 12 }), arguments: fc.string({ maxLength: 80 }) }) });
const thinkingBlock = fc.oneof(
  fc.record({ type: fc.constant('thinking' as const), thinking: fc.string({ maxLength: 60 }), signature: fc.string({ minLength: 1, maxLength: 30 }) }),
  fc.record({ type: fc.constant('redacted_thinking' as const), data: fc.string({ minLength: 1, maxLength: 30 }) }),
);
/** A reasoning model's answer: signed (Anthropic) or plain (DeepSeek, vLLM) thinking, then text. */
const reasoned = fc
  .record({ blocks: fc.array(thinkingBlock, { maxLength: 3 }), unsigned: fc.string({ maxLength: 40 }), content: fc.string({ maxLength: 80 }) })
  .filter(({ blocks, unsigned }) => blocks.length > 0 || unsigned !== '')
  .map(({ blocks, unsigned, content }) => {
    const reasoning = blocks.map((b) => (b.type === 'thinking' ? b.thinking : '')).join('') + unsigned;
    const message: { role: string; [k: string]: unknown } = { role: 'assistant', content };
    if (reasoning !== '') message.reasoning_content = reasoning;
    if (blocks.length > 0) message.thinking_blocks = blocks;
    return { message, finish_reason: 'stop' };
  });
const choice = fc.oneof(
  reasoned,
  fc.record({ content: fc.string({ unit: 'grapheme', maxLength: 200 }) }).map((m) => ({ message: { role: 'assistant', content: m.content }, finish_reason: 'stop' })),
  fc.array(toolCall, { minLength: 1, maxLength: 3 }).map((calls) => ({ message: { role: 'assistant', content: null, tool_calls: calls }, finish_reason: 'tool_calls' })),
);

describe('stream replay and assembly', () => {
  it('replaying a cached answer and assembling the chunks gives the answer back (any chunk size)', async () => {
    await fc.assert(fc.asyncProperty(fc.array(choice, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 40 }), async (choices, chunkChars) => {
      const answer: CachedAnswer = { v: 1, id: 'orig', model: 'm', created: 1, choices: choices.map((c, index) => ({ index, ...c })), usage };
      const asm = new StreamAssembler(1_000_000);
      const chunks = await replayChunks(answer, chunkChars);
      for (const c of chunks) asm.push(c);
      const back = asm.answer(usage, undefined);
      expect(back?.choices).toEqual(answer.choices);
      expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 } });
      expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    }), { numRuns: 60 });
  });

  it('gives up past its size bound', () => {
    const asm = new StreamAssembler(10);
    asm.push({ choices: [{ index: 0, delta: { content: 'x'.repeat(11) } }] });
    expect(asm.oversized).toBe(true);
    expect(asm.answer(usage, undefined)).toBeUndefined();
  });

  it('an abandoned replay settles its summary as not completed', async () => {
    const ac = new AbortController();
    const answer: CachedAnswer = { v: 1, id: 'o', model: 'm', created: 1, choices: [{ index: 0, message: { role: 'assistant', content: 'abcdefghij' }, finish_reason: 'stop' }], usage };
    const out = streamReply(answer, { chunkChars: 2, paceMs: 0, wallNowMs: 0, now: () => 0, receivedAtMs: 0, clientWantsUsage: false, signal: ac.signal });
    const it = out.chunks[Symbol.asyncIterator]();
    await it.next();
    ac.abort();
    await it.next();
    const s = await out.summary;
    expect(s.clientAborted).toBe(true);
    expect(s.finishReasons).toEqual([]);
  });
});
