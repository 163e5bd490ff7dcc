import { describe, expect, it } from 'vitest';
import { ATTR } from '../../../collector/src/model/semconv.js';
import { TemplatesSectionSchema } from '../config/sections/templates.js';
import { createGuardrails } from '../guardrails/index.js';
import { jsonOutcome, testCtx } from '../guardrails/test/request-ctx.js';
import type { RequestCtx } from '../pipeline/context.js';
import { PROMPT_VERSION_ATTR } from './index.js';

const SENTIMENT = "Classify the sentiment of the user's text. Answer with a single French word: positif, négatif or neutre.";

const guard = createGuardrails({ now: () => 0 });

/** Runs template then guardRequest (their pipeline order) and returns the body sent on. */
async function send(ctx: RequestCtx): Promise<Record<string, unknown>> {
  let sent: Record<string, unknown> = {};
  await guard.template(ctx, () =>
    guard.guardRequest(ctx, async () => {
      sent = ctx.body;
      return jsonOutcome('positif');
    }),
  );
  return sent;
}

describe('prompt templates', () => {
  it('the French-sentiment example: a route gets the system prompt without the client sending it', async () => {
    const templates = {
      definitions: [{ name: 'sentiment-fr', version: 2, system: SENTIMENT }],
      attach: [{ template: 'sentiment-fr', match: { routes: ['/v1/chat/completions'] } }],
    };
    const ctx = testCtx({ templates, body: { model: 'gpt-test', messages: [{ role: 'user', content: 'I love this product!' }] } });
    const sent = await send(ctx);
    expect(sent.messages).toEqual([
      { role: 'system', content: SENTIMENT },
      { role: 'user', content: 'I love this product!' },
    ]);
    expect(ctx.attrs[ATTR.GEN_AI_PROMPT_NAME]).toBe('sentiment-fr');
    expect(ctx.attrs[PROMPT_VERSION_ATTR]).toBe('2');
  });

  it('does not apply to other routes, models or teams', async () => {
    const templates = {
      definitions: [{ name: 't', version: 1, system: 'S' }],
      attach: [{ template: 't', match: { models: ['sentiment'], teams: ['ops'] } }],
    };
    const a = testCtx({ templates, model: 'sentiment', identity: { method: 'jwt', agent: 'x', team: 'dev' }, body: { messages: [{ role: 'user', content: 'u' }] } });
    expect((await send(a)).messages).toEqual([{ role: 'user', content: 'u' }]);
    const b = testCtx({ templates, model: 'sentiment', identity: { method: 'jwt', agent: 'x', team: 'ops' }, body: { messages: [{ role: 'user', content: 'u' }] } });
    expect(((await send(b)).messages as unknown[]).length).toBe(2);
  });

  it('prepends and appends in attach order, renders variables, picks the highest version unless pinned', async () => {
    const templates = {
      definitions: [
        { name: 'persona', version: 1, system: 'old' },
        { name: 'persona', version: 10, system: 'You assist {{ identity.agent }} of team {{ identity.team }} ({{ headers.x-customer | unknown customer }}), model {{model}}.' },
        { name: 'persona', version: 9, system: 'nine' },
        { name: 'footer', version: 'v1', position: 'append', messages: [{ role: 'user', content: 'Reply in {{ metadata.lang | English }}.' }] },
        { name: 'rules', version: 3, system: 'Be brief.' },
      ],
      attach: [{ template: 'persona' }, { template: 'footer' }, { template: 'rules', version: 3 }],
    };
    const ctx = testCtx({
      templates,
      identity: { method: 'virtual-key', agent: 'billing-bot', team: 'finance' },
      headers: { 'x-customer': 'Acme\nInc' },
      body: { model: 'gpt-test', metadata: { lang: 'Italian' }, messages: [{ role: 'user', content: 'hi' }] },
    });
    const sent = await send(ctx);
    expect(sent.messages).toEqual([
      { role: 'system', content: 'You assist billing-bot of team finance (Acme Inc), model gpt-test.' },
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'hi' },
      { role: 'user', content: 'Reply in Italian.' },
    ]);
    expect(ctx.attrs[ATTR.GEN_AI_PROMPT_NAME]).toBe('persona,footer,rules');
    expect(ctx.attrs[PROMPT_VERSION_ATTR]).toBe('10,v1,3');
    const defaults = testCtx({ templates, body: { model: 'gpt-test', messages: [] } });
    const m = (await send(defaults)).messages as Array<{ content: string }>;
    expect(m[0].content).toBe('You assist  of team  (unknown customer), model gpt-test.');
    expect(m.at(-1)?.content).toBe('Reply in English.');
  });

  it('request guardrails do not mask the operator template, only client text', async () => {
    const ctx = testCtx({
      templates: { definitions: [{ name: 'geo', version: 1, system: 'Answer questions about Italy.' }], attach: [{ template: 'geo' }] },
      guardrails: { rules: [{ name: 'places', detect: { type: 'dictionary', entity: 'LOCATION', lists: ['locations'] } }] },
      body: { model: 'gpt-test', messages: [{ role: 'user', content: 'Is Italy sunny?' }] },
    });
    const sent = await send(ctx);
    expect(sent.messages).toEqual([
      { role: 'system', content: 'Answer questions about Italy.' },
      { role: 'user', content: 'Is [LOCATION] sunny?' },
    ]);
  });

  it('skips embeddings', async () => {
    const ctx = testCtx({ operation: 'embeddings', templates: { definitions: [{ name: 't', version: 1, system: 'S' }], attach: [{ template: 't' }] }, body: { input: 'x' } });
    expect(await send(ctx)).toEqual({ input: 'x' });
  });

  it('refuses bad templates at load with their path', () => {
    const r = TemplatesSectionSchema.safeParse({
      definitions: [
        { name: 't', version: 1, system: 'Key: {{ headers.authorization }} and {{ secrets.x }}' },
        { name: 't', version: 1, system: 'dup' },
        { name: 'empty', version: 1 },
      ],
      attach: [{ template: 'missing' }, { template: 't', version: 7 }],
    });
    expect(r.success).toBe(false);
    const found = r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'definitions.0.system: header "authorization" may carry a credential and cannot go into a prompt',
        expect.stringMatching(/^definitions\.0\.system: unknown variable "secrets\.x"/),
        'definitions.1.version: duplicate template t@1',
        'definitions.2: a template needs `system` or `messages`',
        'attach.0.template: unknown template "missing"',
        'attach.1.template: unknown template "t" version 7',
      ]),
    );
  });
});
