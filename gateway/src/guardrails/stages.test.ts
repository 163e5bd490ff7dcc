import { describe, expect, it } from 'vitest';
import { SLUICE } from '../../../collector/src/model/semconv.js';
import { GatewayError } from '../errors.js';
import type { RequestCtx } from '../pipeline/context.js';
import type { ChatChunk, JsonOutcome, Outcome } from '../pipeline/outcome.js';
import { createGuardrails } from './create-guardrails.js';
import { GUARDRAIL_EVENTS } from './record-hits.js';
import { drainStream, jsonOutcome, streamOutcome, testCtx } from './test/request-ctx.js';

const guard = createGuardrails({ now: () => performance.now() });
const PII = { name: 'pii', detect: { type: 'builtin', entities: ['EMAIL', 'PHONE', 'CREDIT_CARD', 'SECRET'] } };
const PLACES = { name: 'places', detect: { type: 'dictionary', entity: 'LOCATION', lists: ['locations'] } };
const REJECT_SECRETS = { name: 'no-secrets', action: 'reject', detect: { type: 'builtin', entities: ['SECRET'] }, message: 'Rejected due to inappropriate content' };

const capture = () => {
  const seen: Array<Record<string, unknown>> = [];
  const next = async (ctx: RequestCtx): Promise<Outcome> => {
    seen.push(structuredClone(ctx.body));
    return jsonOutcome('ok');
  };
  return { seen, next };
};

/** Everything a span would carry, as text: no sensitive value may appear in it. */
const telemetryText = (ctx: RequestCtx) => JSON.stringify([ctx.attrs, ctx.events]);

describe('guardRequest stage', () => {
  it('masks message text, text parts and tool-call arguments in place, and records hits', async () => {
    const ctx = testCtx({
      guardrails: { rules: [PII, PLACES] },
      body: {
        model: 'gpt-test',
        messages: [
          { role: 'system', content: 'You help with travel.' },
          { role: 'user', content: [{ type: 'text', text: 'I am jane@example.com, flying to Italy' }, { type: 'image_url', image_url: { url: 'https://x/y.png' } }] },
          { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'book', arguments: '{"card":"4111 1111 1111 1111"}' } }] },
          { role: 'tool', tool_call_id: 'c1', content: 'Booked, call +44 20 7946 0958' },
        ],
      },
    });
    const { seen, next } = capture();
    await guard.guardRequest(ctx, () => next(ctx));
    const msgs = seen[0].messages as Array<Record<string, any>>;
    expect(msgs[1].content[0].text).toBe('I am [EMAIL], flying to [LOCATION]');
    expect(msgs[1].content[1]).toEqual({ type: 'image_url', image_url: { url: 'https://x/y.png' } });
    expect(msgs[2].tool_calls[0].function.arguments).toBe('{"card":"[CREDIT_CARD]"}');
    expect(msgs[3].content).toBe('Booked, call [PHONE]');
    expect(ctx.attrs[SLUICE.GUARDRAIL_HITS]).toBe(4);
    expect(ctx.attrs[SLUICE.GUARDRAIL_ACTIONS]).toEqual(['mask']);
    expect(ctx.attrs[SLUICE.GUARDRAIL_RULES]).toEqual(['pii', 'places']);
    expect(typeof ctx.attrs[SLUICE.GUARDRAIL_MS]).toBe('number');
    const hit = ctx.events.find((e) => e.name === GUARDRAIL_EVENTS.HIT && e.attributes['sluice.guardrail.entity'] === 'EMAIL');
    expect(hit?.attributes).toEqual({
      'sluice.guardrail.rule': 'pii',
      'sluice.guardrail.entity': 'EMAIL',
      'sluice.guardrail.detector': 'email',
      'sluice.guardrail.direction': 'request',
      'sluice.guardrail.action': 'mask',
      'sluice.guardrail.count': 1,
    });
    for (const secret of ['jane@example.com', '4111', '7946', 'Italy']) expect(telemetryText(ctx)).not.toContain(secret);
  });

  it('rejects with GW_GUARDRAIL_REJECTED (400) and the configured message, before next()', async () => {
    const ctx = testCtx({ guardrails: { rules: [REJECT_SECRETS] }, body: { model: 'm', messages: [{ role: 'user', content: 'key AKIAIOSFODNN7EXAMPLE' }] } });
    const { seen, next } = capture();
    const err = (await guard.guardRequest(ctx, () => next(ctx)).catch((e: unknown) => e)) as GatewayError;
    expect(err).toBeInstanceOf(GatewayError);
    expect(err.code).toBe('GW_GUARDRAIL_REJECTED');
    expect(err.status).toBe(400);
    expect(err.message).toBe('Rejected due to inappropriate content');
    expect(seen).toHaveLength(0);
    expect(ctx.attrs[SLUICE.GUARDRAIL_ACTIONS]).toEqual(['reject']);
    expect(telemetryText(ctx)).not.toContain('AKIA');
  });

  it('shadow mode records hits and leaves traffic unchanged', async () => {
    const body = { model: 'm', messages: [{ role: 'user', content: 'mail jane@example.com, key AKIAIOSFODNN7EXAMPLE' }] };
    const ctx = testCtx({ guardrails: { shadow: true, rules: [PII, REJECT_SECRETS] }, body: structuredClone(body) });
    const { seen, next } = capture();
    await guard.guardRequest(ctx, () => next(ctx));
    expect(seen[0]).toEqual(body);
    expect(ctx.attrs[SLUICE.GUARDRAIL_ACTIONS]).toEqual(['log']);
    expect(ctx.attrs[SLUICE.GUARDRAIL_HITS]).toBe(3);
  });

  it('policies attach rules per route, model, team and agent', async () => {
    const guardrails = {
      rules: [PII, PLACES],
      policies: [
        { match: { teams: ['care'] }, rules: ['pii'] },
        { match: { models: ['travel-*'], routes: ['/v1/chat/*'] }, rules: ['places'] },
      ],
    };
    const run = async (model: string, team?: string) => {
      const ctx = testCtx({ guardrails, model, identity: team ? { method: 'virtual-key', agent: 'a', team } : undefined, body: { model, messages: [{ role: 'user', content: 'jane@example.com in Italy' }] } });
      const { seen, next } = capture();
      await guard.guardRequest(ctx, () => next(ctx));
      return (seen[0].messages as Array<{ content: string }>)[0].content;
    };
    expect(await run('gpt-4o')).toBe('jane@example.com in Italy');
    expect(await run('gpt-4o', 'care')).toBe('[EMAIL] in Italy');
    expect(await run('travel-bot')).toBe('jane@example.com in [LOCATION]');
    expect(await run('travel-bot', 'care')).toBe('[EMAIL] in [LOCATION]');
  });

  it('masks embedding inputs', async () => {
    const ctx = testCtx({ operation: 'embeddings', guardrails: { rules: [PII] }, body: { model: 'e', input: ['a jane@example.com', 'b'] } });
    const { seen, next } = capture();
    await guard.guardRequest(ctx, () => next(ctx));
    expect(seen[0].input).toEqual(['a [EMAIL]', 'b']);
  });

  it('handles a 1 MB prompt full of near-matches, correctly', async () => {
    const near = ['bob@example ', '4111 1111 1111 1112 ', '+1 555 ', 'sk-short ', '123-45-678 ', '999.1.1.1 ', 'AKIA123 ', 'eyJabc ', 'Bearer x ', 'a@b.c ', 'Italyx ', 'std::vector '];
    let text = '';
    for (let i = 0; text.length < 1024 * 1024; i++) text += near[i % near.length];
    const withReal = `${text}jane@example.com ${text}Italy`;
    const ctx = testCtx({ guardrails: { rules: [PII, PLACES] }, body: { model: 'm', messages: [{ role: 'user', content: withReal }] } });
    const { seen, next } = capture();
    await guard.guardRequest(ctx, () => next(ctx));
    expect((seen[0].messages as Array<{ content: string }>)[0].content).toBe(`${text}[EMAIL] ${text}[LOCATION]`);
    expect(ctx.attrs[SLUICE.GUARDRAIL_HITS]).toBe(2);
  });

  it('a scan over its time budget is refused (fail-closed) or let through (allow), never hangs', async () => {
    let clock = 0;
    const slow = createGuardrails({ now: () => (clock += 1_000) });
    const content = 'x '.repeat(100_000);
    const body = { model: 'm', messages: [{ role: 'user', content }] };
    const refused = testCtx({ guardrails: { rules: [PII], scan: { maxMs: 500 } }, body });
    const err = (await slow.guardRequest(refused, async () => jsonOutcome('x')).catch((e: unknown) => e)) as GatewayError;
    expect(err.code).toBe('GW_GUARDRAIL_REJECTED');
    const allowed = testCtx({ guardrails: { rules: [PII], scan: { maxMs: 500, onBudgetExceeded: 'allow' } }, body });
    await expect(slow.guardRequest(allowed, async () => jsonOutcome('x'))).resolves.toBeDefined();
    expect(allowed.events.some((e) => e.attributes['sluice.guardrail.reason'] === 'scan_budget_exceeded')).toBe(true);
  });
});

describe('guardResponse stage (JSON)', () => {
  it('masks choices and clears raw', async () => {
    const ctx = testCtx({ guardrails: { rules: [PII] } });
    const out = (await guard.guardResponse(ctx, async () => jsonOutcome('Reach jane@example.com', 'nothing here'))) as JsonOutcome;
    const choices = out.body.choices as Array<{ message: { content: string } }>;
    expect(choices.map((c) => c.message.content)).toEqual(['Reach [EMAIL]', 'nothing here']);
    expect(out.raw).toBeUndefined();
  });

  it('keeps raw when nothing changed', async () => {
    const ctx = testCtx({ guardrails: { rules: [PII] } });
    const out = (await guard.guardResponse(ctx, async () => jsonOutcome('all clear'))) as JsonOutcome;
    expect(out.raw).toBeDefined();
  });

  it('a reject replaces the answer with the configured message', async () => {
    const ctx = testCtx({ guardrails: { rules: [REJECT_SECRETS] } });
    const out = (await guard.guardResponse(ctx, async () => jsonOutcome('the key is AKIAIOSFODNN7EXAMPLE'))) as JsonOutcome;
    expect(out.status).toBe(200);
    expect(out.body.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: 'Rejected due to inappropriate content', refusal: null }, finish_reason: 'content_filter' },
    ]);
    expect(out.raw).toBeUndefined();
  });
});

describe('guardResponse stage (stream)', () => {
  it('masks across chunk boundaries, keeps chunk structure, and keeps the summary consistent', async () => {
    const ctx = testCtx({ guardrails: { rules: [PII, PLACES] }, stream: true });
    const pieces = ['Sure! Write to ja', 'ne.doe@exam', 'ple.com or visit It', 'aly. Card: 4111 1111 ', '1111 1111 thanks'];
    const out = await guard.guardResponse(ctx, async () => streamOutcome(pieces));
    const { text, chunks } = await drainStream(out);
    expect(text).toBe('Sure! Write to [EMAIL] or visit [LOCATION]. Card: [CREDIT_CARD] thanks');
    expect(chunks).toHaveLength(pieces.length + 2); // role chunk + one per piece + finish chunk
    expect(chunks.every((c: ChatChunk) => c.object === 'chat.completion.chunk' && c.id === 'chatcmpl-s')).toBe(true);
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe('stop');
    if (out.kind !== 'stream') throw new Error('stream expected');
    const summary = await out.summary;
    expect(summary.text).toBe(text);
    expect(ctx.attrs[SLUICE.GUARDRAIL_HITS]).toBe(3);
    expect(telemetryText(ctx)).not.toContain('jane');
  });

  it('flushes held text in an extra chunk when the stream ends without finish_reason', async () => {
    const ctx = testCtx({ guardrails: { rules: [PII] }, stream: true });
    const out = await guard.guardResponse(ctx, async () => streamOutcome(['mail jane@exa', 'mple.com'], false));
    const { text } = await drainStream(out);
    expect(text).toBe('mail [EMAIL]');
  });

  it('a reject mid-stream ends the stream with GW_GUARDRAIL_REJECTED, without the secret', async () => {
    const ctx = testCtx({ guardrails: { rules: [REJECT_SECRETS] }, stream: true });
    const out = await guard.guardResponse(ctx, async () => streamOutcome(['Here is a long preamble about keys. ', 'Your key: AKIAIOSF', 'ODNN7EXAMPLE bye']));
    const { text, error } = await drainStream(out);
    expect((error as GatewayError).code).toBe('GW_GUARDRAIL_REJECTED');
    expect(text).toContain('Here is a long preamble');
    expect(text).not.toContain('AKIA');
    if (out.kind !== 'stream') throw new Error('stream expected');
    expect((await out.summary).error).toEqual({ type: 'invalid_request_error', message: 'Rejected due to inappropriate content' });
    expect(ctx.attrs[SLUICE.GUARDRAIL_ACTIONS]).toEqual(['reject']);
  });

  it('masks streamed tool-call arguments per tool call', async () => {
    const ctx = testCtx({ guardrails: { rules: [PII] }, stream: true });
    const base = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm' };
    const args = ['{"to":"jane@ex', 'ample.com"}'];
    const chunks: ChatChunk[] = [
      { ...base, choices: [{ index: 0, delta: { role: 'assistant', tool_calls: [{ index: 0, id: 't1', type: 'function', function: { name: 'send', arguments: '' } }] }, finish_reason: null }] },
      ...args.map((a) => ({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: a } }] }, finish_reason: null }] })),
      { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
    ];
    async function* gen() {
      yield* chunks;
    }
    const inner: Outcome = { kind: 'stream', status: 200, chunks: gen(), clientWantsUsage: false, summary: Promise.resolve({ timing: { totalMs: 1 }, finishReasons: ['tool_calls'], text: '', clientAborted: false }) };
    const out = await guard.guardResponse(ctx, async () => inner);
    const got = await drainStream(out);
    const joined = got.chunks
      .flatMap((c) => (c.choices[0]?.delta.tool_calls as Array<{ function?: { arguments?: string } }> | undefined) ?? [])
      .map((t) => t.function?.arguments ?? '')
      .join('');
    expect(joined).toBe('{"to":"[EMAIL]"}');
  });
});
