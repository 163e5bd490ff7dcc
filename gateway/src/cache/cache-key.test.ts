import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { exactKey, semanticScope, templateOf, tenantOf } from './cache-key.js';
import { accessOf, modeOf, requestAccess } from './cache-mode.js';
import { textToEmbed } from './semantic-text.js';

const route = { group: 'gpt', targets: ['openai/gpt-4o'] };
const base = { tenant: 'team:a', template: '', route, body: { model: 'gpt', messages: [{ role: 'user', content: 'hi' }], temperature: 0 } };

describe('canonical JSON and exact keys', () => {
  it('ignores key order and undefined members, at any depth', () => {
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
      const reversed = Object.fromEntries(Object.entries(obj).reverse());
      expect(canonicalJson({ ...reversed, gone: undefined })).toBe(canonicalJson(obj));
    }));
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[1,{"c":2,"d":1}]}');
  });

  it('changes with tenant, template, route and every answer-changing field; not with transport fields', () => {
    const k = exactKey(base);
    expect(exactKey({ ...base, tenant: 'team:b' })).not.toBe(k);
    expect(exactKey({ ...base, template: 'support@2' })).not.toBe(k);
    expect(exactKey({ ...base, route: { group: 'gpt', targets: ['azure/gpt-4o'] } })).not.toBe(k);
    for (const [field, value] of Object.entries({ temperature: 1, seed: 1, tools: [], tool_choice: 'none', response_format: { type: 'json_object' }, n: 2, max_tokens: 5, top_p: 0.5, logprobs: true, some_new_param: 1 })) {
      expect({ field, same: exactKey({ ...base, body: { ...base.body, [field]: value } }) === k }).toEqual({ field, same: false });
    }
    for (const [field, value] of Object.entries({ stream: true, stream_options: { include_usage: true }, user: 'u1', metadata: { a: '1' }, model: 'alias' })) {
      expect({ field, same: exactKey({ ...base, body: { ...base.body, [field]: value } }) === k }).toEqual({ field, same: true });
    }
  });

  it('tenant: team, else agent, else anonymous — never confusable', () => {
    expect(tenantOf({ method: 'jwt', agent: 'x', team: 'x' })).toBe('team:x');
    expect(tenantOf({ method: 'jwt', agent: 'x' })).toBe('agent:x');
    expect(tenantOf(undefined)).toBe('anonymous');
    expect(templateOf({ 'gen_ai.prompt.name': 'support', 'sluice.prompt.version': '3' })).toBe('support@3');
    expect(templateOf({})).toBe('');
  });
});

describe('semantic scope and text', () => {
  const body = (messages: unknown[], extra: Record<string, unknown> = {}) => ({ ...base, body: { model: 'gpt', messages, ...extra } });
  const ask = (content: string) => ({ role: 'user', content });
  it('paraphrases share a scope; instructions, history, tools and limits split it; sampling does not', () => {
    const s = semanticScope(body([ask('a')]), 'last-user-message', 'sim/embed');
    expect(semanticScope(body([ask('something else entirely')]), 'last-user-message', 'sim/embed')).toBe(s);
    expect(semanticScope(body([ask('b')], { temperature: 0.9, seed: 3 }), 'last-user-message', 'sim/embed')).toBe(s);
    expect(semanticScope(body([{ role: 'system', content: 'x' }, ask('a')]), 'last-user-message', 'sim/embed')).not.toBe(s);
    expect(semanticScope(body([ask('earlier'), { role: 'assistant', content: 'ok' }, ask('a')]), 'last-user-message', 'sim/embed')).not.toBe(s);
    expect(semanticScope(body([ask('a')], { tools: [] }), 'last-user-message', 'sim/embed')).not.toBe(s);
    expect(semanticScope(body([ask('a')], { max_tokens: 9 }), 'last-user-message', 'sim/embed')).not.toBe(s);
    expect(semanticScope(body([ask('a')]), 'last-user-message', 'other/embed')).not.toBe(s);
    expect(semanticScope({ ...body([ask('a')]), tenant: 'team:b' }, 'last-user-message', 'sim/embed')).not.toBe(s);
  });

  it('embeds text only; never a message with an image', () => {
    expect(textToEmbed([ask('first'), { role: 'assistant', content: 'x' }, ask('last')], 'last-user-message', 100)).toBe('last');
    expect(textToEmbed([{ role: 'system', content: 's' }, ask('q'), { role: 'assistant', content: 'a' }], 'conversation', 100)).toBe('user: q\nassistant: a');
    expect(textToEmbed([{ role: 'user', content: [{ type: 'text', text: 'what is this' }, { type: 'image_url', image_url: { url: 'x' } }] }], 'last-user-message', 100)).toBeUndefined();
    expect(textToEmbed([ask('   ')], 'last-user-message', 100)).toBeUndefined();
    expect(textToEmbed([ask('abcdef')], 'last-user-message', 3)).toBe('abc');
  });
});

describe('modes and headers', () => {
  it('headers narrow the configured mode and never widen it', () => {
    expect(requestAccess('on', {})).toEqual(accessOf('on'));
    expect(modeOf(requestAccess('on', { 'cache-control': 'no-cache' }))).toBe('refresh');
    expect(modeOf(requestAccess('on', { 'cache-control': 'max-age=0, no-store' }))).toBe('read-only');
    expect(modeOf(requestAccess('on', { 'x-sluice-cache': 'refresh' }))).toBe('refresh');
    expect(modeOf(requestAccess('read-only', { 'x-sluice-cache': 'on' }))).toBe('read-only');
    expect(modeOf(requestAccess('off', { 'x-sluice-cache': 'on' }))).toBe('off');
    expect(modeOf(requestAccess('refresh', { 'x-sluice-cache': 'read-only' }))).toBe('off');
    expect(() => requestAccess('on', { 'x-sluice-cache': 'yes' })).toThrow(expect.objectContaining({ code: 'GW_BAD_REQUEST' }));
  });
});
