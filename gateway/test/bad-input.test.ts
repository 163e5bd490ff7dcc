import { request } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, simConfig, startHarness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ config: (url) => ({ ...simConfig(url), server: { maxBodyBytes: 64 * 1024 } }) });
});
afterAll(async () => {
  await h.close();
});

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${h.gw.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.status, body: (await res.json()) as { error: { message: string; type: string; param: string | null; code: string | null } }, headers: res.headers };
}

describe('bad input gets the OpenAI error shape and the right status', () => {
  it('malformed JSON → 400 saying where it broke', async () => {
    const r = await post('/v1/chat/completions', '{"model": "sim-fast", "messages": [');
    expect(r.status).toBe(400);
    expect(r.body.error.type).toBe('invalid_request_error');
    expect(r.body.error.message).toMatch(/not valid JSON/);
    expect(r.body.error.message).toMatch(/position|end of JSON/i);
  });

  it('missing or wrong-typed model/messages → 400 naming the field', async () => {
    const noModel = await post('/v1/chat/completions', JSON.stringify({ messages: [{ role: 'user', content: 'x' }] }));
    expect(noModel.status).toBe(400);
    expect(noModel.body.error.param).toBe('model');
    const badMessages = await post('/v1/chat/completions', JSON.stringify({ model: 'sim-fast', messages: 'hello' }));
    expect(badMessages.status).toBe(400);
    expect(badMessages.body.error.param).toBe('messages');
    expect(badMessages.body.error.message).toMatch(/messages/);
    const badRole = await post('/v1/chat/completions', JSON.stringify({ model: 'sim-fast', messages: [{ content: 'x' }] }));
    expect(badRole.body.error.param).toBe('messages[0].role');
  });

  it('the SDK surfaces a 400 as BadRequestError', async () => {
    const err = await h.client.chat.completions.create({ model: 'sim-fast', messages: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  });

  it('unknown model → 404 model_not_found', async () => {
    const err = await h.client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
  });

  it('unsupported path → 404 and wrong method → 405, in the OpenAI shape', async () => {
    const nf = await fetch(`${h.gw.url}/v1/nope`);
    expect(nf.status).toBe(404);
    expect(((await nf.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    const mna = await fetch(`${h.gw.url}/v1/chat/completions`);
    expect(mna.status).toBe(405);
    expect(mna.headers.get('allow')).toBe('POST');
    expect(await mna.json()).toHaveProperty('error.message');
  });

  it('a body over the limit → 413 without reading the rest', async () => {
    const declared = await post('/v1/chat/completions', JSON.stringify({ model: 'sim-fast', messages: [{ role: 'user', content: 'x'.repeat(70 * 1024) }] }));
    expect(declared.status).toBe(413);
    expect(declared.body.error.code).toBe('request_too_large');

    // Chunked (no content-length) and far larger than the limit: refused as soon as it passes it.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${h.gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const piece = Buffer.alloc(16 * 1024, 'a');
      let sent = 0;
      const pump = () => {
        while (sent < 64 * 1024 * 1024 && !req.destroyed) {
          sent += piece.length;
          if (!req.write(piece)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    }).catch(() => 413);
    expect(status).toBe(413);
  });
});
