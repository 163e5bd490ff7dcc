import { gzipSync } from 'node:zlib';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, simConfig, startHarness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ config: (url) => ({ ...simConfig(url), server: { headersTimeoutMs: 300, requestTimeoutMs: 600 } }) });
});
afterAll(async () => {
  await h.close();
});

describe('a body that never finishes arriving', () => {
  it('gets 408 and its connection closed once requestTimeoutMs is up, without credentials', async () => {
    const { port } = new URL(h.gw.url);
    const socket = connect(Number(port), '127.0.0.1');
    const startedMs = Date.now();
    socket.write('POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"model":');
    let answer = '';
    socket.on('data', (b: Buffer) => (answer += b.toString('latin1')));
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const heldMs = Date.now() - startedMs;
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).error.code).toBe('request_timeout');
    expect(heldMs).toBeGreaterThanOrEqual(600);
    expect(heldMs).toBeLessThan(10_000);
  });

  it('a body that arrives in time is served as usual', async () => {
    const r = await h.client.chat.completions.create({ model: 'sim-fast', messages: [{ role: 'user', content: 'hi' }] });
    expect(r.choices[0]?.message.content).toBeTruthy();
  });
});

describe('requests Node refuses before the gateway sees them', () => {
  it('headers too large: 431 in the OpenAI shape', async () => {
    const res = await fetch(`${h.gw.url}/v1/models`, { headers: { 'x-big': 'x'.repeat(20_000) } });
    expect(res.status).toBe(431);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('headers_too_large');
  });

  it('malformed HTTP: 400 in the OpenAI shape', async () => {
    const { port } = new URL(h.gw.url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.write('GARBAGE\r\n\r\n');
    let answer = '';
    socket.on('data', (b: Buffer) => (answer += b.toString('latin1')));
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).error.type).toBe('invalid_request_error');
  });
});

describe('a compressed request body', () => {
  it('is a 415 in the OpenAI shape, not a "not JSON" message full of binary', async () => {
    const body = gzipSync(JSON.stringify({ model: 'sim-fast', messages: [{ role: 'user', content: 'hi' }] }));
    const res = await fetch(`${h.gw.url}/v1/chat/completions`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
    expect(res.status).toBe(415);
    const e = ((await res.json()) as { error: { message: string; type: string; code: string } }).error;
    expect(e.type).toBe('invalid_request_error');
    expect(e.code).toBe('unsupported_content_encoding');
    expect(e.message).toMatch(/content-encoding "gzip" are not supported/);
  });

  it('JSON.parse quoting binary bytes is printed escaped', async () => {
    const res = await fetch(`${h.gw.url}/v1/chat/completions`, { method: 'POST', body: Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x41]), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    const e = ((await res.json()) as { error: { message: string } }).error;
    expect(e.message).toMatch(/not valid JSON/);
    expect(e.message).toContain('\\x1f');
    expect(e.message).not.toMatch(/[\u0000-\u0008\u000e-\u001f]/);
  });
});
