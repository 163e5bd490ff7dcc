import { describe, expect, it } from 'vitest';
import { SLUICE } from '../../../collector/src/model/semconv.js';
import { GuardrailsSectionSchema } from '../config/sections/guardrails.js';
import type { AttrValue, CtxEvent } from '../pipeline/context.js';
import { createGuardrails } from './create-guardrails.js';
import { scanJsonValue } from './scan-json-value.js';

const guardrails = GuardrailsSectionSchema.parse({
  rules: [
    { name: 'pii', detect: { type: 'builtin', entities: ['EMAIL', 'PHONE'] }, directions: ['response'] },
    { name: 'no-secrets', action: 'reject', detect: { type: 'builtin', entities: ['SECRET'] }, directions: ['request'], message: 'Tool arguments contain a credential' },
  ],
  policies: [{ match: { routes: ['/mcp*'] }, rules: ['*'] }],
});

describe('scanJsonValue (MCP tool arguments and results)', () => {
  it('masks PII in a database tool result before the agent sees it, recording hits', async () => {
    const result = {
      content: [{ type: 'text', text: 'id=7 email=jane@example.com phone=+44 20 7946 0958' }],
      structuredContent: { rows: [{ id: 7, email: 'jane@example.com', note: null, tags: ['vip'] }] },
      isError: false,
    };
    const record = { attrs: {} as Record<string, AttrValue>, events: [] as CtxEvent[] };
    const guard = createGuardrails({ now: () => 0 });
    const out = await guard.scanJsonValue(result, 'response', { guardrails, route: '/mcp', model: 'db__query', record });
    expect(out.value).toEqual({
      content: [{ type: 'text', text: 'id=7 email=[EMAIL] phone=[PHONE]' }],
      structuredContent: { rows: [{ id: 7, email: '[EMAIL]', note: null, tags: ['vip'] }] },
      isError: false,
    });
    expect(result.content[0].text).toContain('jane@example.com'); // input untouched
    expect(out.changed).toBe(true);
    expect(record.attrs[SLUICE.GUARDRAIL_HITS]).toBe(3);
  });

  it('reports a rejection on tool arguments for the caller to render', async () => {
    const out = await scanJsonValue({ query: 'select 1', token: 'ghp_' + 'a'.repeat(36) }, 'request', { guardrails, route: '/mcp' });
    expect(out.rejected).toEqual({ rule: 'no-secrets', message: 'Tool arguments contain a credential' });
    expect(out.changed).toBe(false);
  });

  it('masks under a `__proto__` key as under any other (a JSON key, not the prototype)', async () => {
    const value = JSON.parse('{"__proto__": {"email": "jane@example.com"}, "other": "x"}') as Record<string, unknown>;
    const out = await scanJsonValue(value, 'response', { guardrails, route: '/mcp' });
    expect(JSON.stringify(out.value)).toBe('{"__proto__":{"email":"[EMAIL]"},"other":"x"}');
    expect(Object.getPrototypeOf(out.value)).toBe(Object.prototype);
  });

  it('returns the same value when nothing applies', async () => {
    const v = { a: 'jane@example.com' };
    expect((await scanJsonValue(v, 'response', { guardrails, route: '/v1/chat/completions' })).value).toBe(v);
    expect((await scanJsonValue(v, 'request', { guardrails, route: '/mcp' })).value).toBe(v);
  });
});
