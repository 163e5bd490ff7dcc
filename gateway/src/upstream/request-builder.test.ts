import { describe, expect, it } from 'vitest';
import type { RequestCtx, Target } from '../pipeline/context.js';
import type { ProviderRuntime } from './provider-registry.js';
import { buildAnthropicRequest, buildOpenAiRequest } from './request-builder.js';
import { classifyUpstreamStatus, parseRetryAfterMs, scrubSecrets } from './classify-error.js';
import { parseConfig } from '../config/load.js';
import { Cancellation } from '../pipeline/cancellation.js';

function ctx(body: Record<string, unknown>, stream = false, headers: Record<string, string> = {}): RequestCtx {
  const r = parseConfig({});
  if (!r.ok) throw new Error('config');
  return {
    requestId: 'rid-1', api: 'openai', operation: 'chat', path: '/v1/chat/completions', headers, config: r.config,
    cancel: new Cancellation(),
    signal: new AbortController().signal, receivedAtMs: 0, now: () => 0, body, model: String(body.model), stream,
    attrs: {}, events: [], responseHeaders: {}, span: undefined,
  };
}

function provider(kind: 'openai' | 'azure-openai' | 'anthropic', basePath: string, extra: Record<string, unknown> = {}): ProviderRuntime {
  const r = parseConfig({ providers: [{ name: 'p', kind, baseUrl: `https://example.test${basePath}`, ...extra }] });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return { name: 'p', config: r.config.providers[0], genAiName: 'openai', api: kind === 'anthropic' ? 'anthropic' : 'openai', origin: 'https://example.test', basePath, serverAddress: 'example.test', serverPort: 443, pool: undefined as never, secrets: [], nextKey: () => undefined };
}

const target: Target = { id: 'p/gpt-4o', provider: 'p', upstreamModel: 'gpt-4o', weight: 1, headers: {} };

describe('upstream request building', () => {
  it('OpenAI-compatible: path under the base URL, bearer credential, upstream model, usage asked for streams', () => {
    const r = buildOpenAiRequest(ctx({ model: 'alias', messages: [], stream: true, extra: 1 }, true), provider('openai', '/v1'), target, 'chat/completions', 'sk-1', {});
    expect(r.path).toBe('/v1/chat/completions');
    expect(r.headers.authorization).toBe('Bearer sk-1');
    expect(r.json).toMatchObject({ model: 'gpt-4o', extra: 1, stream_options: { include_usage: true } });
    expect(JSON.parse(r.body)).toEqual(r.json);
  });

  it('Azure OpenAI: deployment URL, api-version, api-key header, no model in the body', () => {
    const r = buildOpenAiRequest(ctx({ model: 'alias', messages: [] }), provider('azure-openai', '', { azure: { apiVersion: '2024-10-21' } }), target, 'chat/completions', 'az-key', {});
    expect(r.path).toBe('/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21');
    expect(r.headers['api-key']).toBe('az-key');
    expect(r.headers.authorization).toBeUndefined();
    expect(r.json.model).toBeUndefined();
  });

  it('forwards only configured client headers and trace context, never client credentials', () => {
    const c = ctx({ model: 'm', messages: [] }, false, { authorization: 'Bearer client', 'x-custom': 'yes', 'x-other': 'no', traceparent: '00-abc' });
    const r = buildOpenAiRequest(c, provider('openai', '/v1', { forwardHeaders: ['x-custom', 'authorization'] }), target, 'chat/completions', undefined, {});
    expect(r.headers['x-custom']).toBe('yes');
    expect(r.headers['x-other']).toBeUndefined();
    expect(r.headers.authorization).toBeUndefined();
    expect(r.headers.traceparent).toBe('00-abc');
  });

  it('Anthropic: /messages under the base URL, x-api-key and anthropic-version, translated body, OpenAI body kept for metering', () => {
    const c = ctx({ model: 'alias', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }], stream: true, frequency_penalty: 0.5 }, true, { authorization: 'Bearer client' });
    const r = buildAnthropicRequest(c, provider('anthropic', '/v1', { anthropic: { defaultMaxTokens: 512 } }), target, 'sk-ant-1', { traceparent: '00-def' });
    expect(r.path).toBe('/v1/messages');
    expect(r.headers['x-api-key']).toBe('sk-ant-1');
    expect(r.headers['anthropic-version']).toBe('2023-06-01');
    expect(r.headers.authorization).toBeUndefined();
    expect(r.headers.traceparent).toBe('00-def');
    expect(JSON.parse(r.body)).toEqual({ model: 'gpt-4o', max_tokens: 512, stream: true, system: 'Be brief.', messages: [{ role: 'user', content: 'hi' }] });
    expect(r.json).toMatchObject({ model: 'gpt-4o', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }] });
    expect(r.dropped).toEqual(['frequency_penalty']);
  });

  it('caps max_tokens at a per-target override', () => {
    const r = buildOpenAiRequest(ctx({ model: 'm', messages: [], max_tokens: 5000 }), provider('openai', '/v1'), { ...target, maxTokensOverride: 1000 }, 'chat/completions', undefined, {});
    expect(r.json.max_tokens).toBe(1000);
  });
});

describe('upstream error classification', () => {
  it('never passes on a provider credential', () => {
    const key = 'sk-live-abcdefghijklmnopqrstuvwxyz';
    const e = classifyUpstreamStatus('openai', 401, JSON.stringify({ error: { message: `Incorrect API key provided: ${key.slice(0, 8)}***xyz` } }), {}, [key], 0);
    expect(e.message).not.toContain('sk-live');
    expect(e.status).toBe(502);
    expect(scrubSecrets(`key ${key} and prefix sk-liv…`, [key])).not.toMatch(/sk-liv/);
  });

  it('429 keeps its status and Retry-After; 5xx are retryable 502; client 4xx pass through', () => {
    const r429 = classifyUpstreamStatus('p', 429, '{}', { 'retry-after': '2' }, [], 0);
    expect([r429.status, r429.retryable, r429.retryAfterMs]).toEqual([429, true, 2000]);
    const r503 = classifyUpstreamStatus('p', 503, '', {}, [], 0);
    expect([r503.status, r503.retryable]).toEqual([502, true]);
    const r422 = classifyUpstreamStatus('p', 422, JSON.stringify({ error: { message: 'bad temperature', param: 'temperature' } }), {}, [], 0);
    expect([r422.status, r422.retryable, r422.param, r422.message]).toEqual([422, false, 'temperature', 'bad temperature']);
    expect(parseRetryAfterMs('Thu, 01 Jan 1970 00:00:05 GMT', 1000)).toBe(4000);
  });
});
