import { request } from 'undici';
import type { Config } from '../config/schema.js';
import type { CacheSection } from '../config/sections/cache.js';
import { type SecretSource, resolveSecret } from '../config/secret-ref.js';
import { providerBaseUrl } from '../upstream/provider-names.js';
import { normalise } from './vector-set.js';

/** The HTTP call the embedder makes; undici's `request` by default, injectable for tests and benches. */
export type EmbeddingsFetch = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ status: number; text(): Promise<string> }>;

/** Embeddings answers are small (one vector); anything past this is refused. 4 MiB. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** undici `request` with a bounded body read (the signal bounds the whole call). */
export const undiciEmbeddingsFetch: EmbeddingsFetch = async (url, init) => {
  const res = await request(url, { method: init.method, headers: init.headers, body: init.body, signal: init.signal });
  return {
    status: res.statusCode,
    async text() {
      const parts: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > MAX_RESPONSE_BYTES) {
          res.body.destroy();
          throw new Error(`embeddings response exceeds ${MAX_RESPONSE_BYTES} bytes`);
        }
        parts.push(chunk as Buffer);
      }
      return Buffer.concat(parts).toString('utf8');
    },
  };
};

export type EmbedResult = { ok: true; vector: Float32Array; ms: number } | { ok: false; reason: string; ms: number };

type EmbeddingsConfig = NonNullable<CacheSection['semantic']['embeddings']>;

/** `provider/model[/dims]`: which vectors are comparable (part of the semantic scope). */
export const embedderId = (e: EmbeddingsConfig): string => `${e.provider}/${e.model}${e.dimensions ? `/${e.dimensions}` : ''}`;

function decodeVector(v: unknown): number[] | Float32Array | undefined {
  if (Array.isArray(v)) return v.every((x) => typeof x === 'number') ? (v as number[]) : undefined;
  if (typeof v === 'string') {
    // `encoding_format: base64`: little-endian float32 bytes.
    const buf = Buffer.from(v, 'base64');
    if (buf.length === 0 || buf.length % 4 !== 0) return undefined;
    return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
  }
  return undefined;
}

/**
 * Embeds `text` with the configured OpenAI-compatible `/v1/embeddings` upstream, within
 * `timeoutMs`. Never throws: any failure (unknown provider, refusal, timeout, bad answer,
 * a vector of the wrong size) comes back as a reason, and the lookup becomes a miss.
 */
export async function embedText(text: string, e: EmbeddingsConfig, config: Config, secrets: SecretSource | undefined, fetch: EmbeddingsFetch, now: () => number): Promise<EmbedResult> {
  const started = now();
  const fail = (reason: string): EmbedResult => ({ ok: false, reason, ms: now() - started });
  const provider = config.providers.find((p) => p.name === e.provider);
  if (!provider) return fail('unknown_provider');
  const base = providerBaseUrl(provider)?.replace(/\/+$/, '');
  if (!base) return fail('provider_not_started');
  const refs = provider.apiKey === undefined ? [] : Array.isArray(provider.apiKey) ? provider.apiKey : [provider.apiKey];
  const key = secrets && refs.length > 0 ? resolveSecret(refs[0], secrets) : undefined;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', ...provider.headers };
  let url: string;
  if (provider.kind === 'azure-openai') {
    url = `${base}/openai/deployments/${encodeURIComponent(e.model)}/embeddings?api-version=${encodeURIComponent(provider.azure?.apiVersion ?? '2024-10-21')}`;
    if (key) headers['api-key'] = key;
  } else {
    url = `${base}/embeddings`;
    if (key) headers.authorization = `Bearer ${key}`;
  }
  const body = JSON.stringify({ model: e.model, input: text, encoding_format: 'float', ...(e.dimensions ? { dimensions: e.dimensions } : {}) });
  const signal = AbortSignal.timeout(e.timeoutMs);
  try {
    const res = await fetch(url, { method: 'POST', headers, body, signal });
    const raw = await res.text();
    if (res.status < 200 || res.status >= 300) return fail(`status_${res.status}`);
    const parsed = JSON.parse(raw) as { data?: Array<{ embedding?: unknown }> };
    const v = decodeVector(parsed.data?.[0]?.embedding);
    if (!v || v.length < 2) return fail('bad_response');
    if (e.dimensions && v.length !== e.dimensions) return fail('dimension_mismatch');
    const unit = normalise(v);
    if (!unit) return fail('zero_vector');
    return { ok: true, vector: unit, ms: now() - started };
  } catch (err) {
    if (signal.aborted) return fail('timeout');
    return fail(err instanceof SyntaxError ? 'bad_response' : 'unreachable');
  }
}
