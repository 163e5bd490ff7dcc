import { createRng, hashString } from './random.js';

/**
 * Deterministic embeddings for tests of the *mechanics* of semantic caching and retrieval —
 * not for quality. A text becomes its lower-cased content-word stems (stopwords dropped,
 * crude suffix stripping); each stem maps to a fixed pseudo-random direction and the text's
 * vector is their normalised sum. Texts that share content words therefore have a clearly
 * higher cosine similarity than texts that share none ("return policy for electronics" vs
 * "return my laptop" > either vs "weather in Paris"), and nothing more: synonyms are
 * unrelated, word order is ignored.
 */

const STOPWORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both but
by can could did do does doing down during each few for from further had has have having he her here hers him his how
i if in into is it its itself just me more most my no nor not now of off on once only or other our ours out over own
same she should so some such than that the their theirs them then there these they this those through to too under
until up very was we were what when where which while who whom why will with would you your yours many much may might
must shall get got let`.split(/\s+/),
);

/** Crude English suffix stripping: plural, -ing, -ed, -ly (enough for "returns"/"returned"). */
export function stem(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses')) return word.slice(0, -2);
  let out = word;
  if (out.endsWith('s') && !out.endsWith('ss') && !out.endsWith('us') && !out.endsWith('is')) out = out.slice(0, -1);
  if (out.endsWith('ing') && out.length >= 6) out = out.slice(0, -3);
  else if (out.endsWith('ed') && out.length >= 5) out = out.slice(0, -2);
  else if (out.endsWith('ly') && out.length >= 5) out = out.slice(0, -2);
  return out;
}

/** The features a text is embedded from: content stems, else all words, else the text. */
export function contentStems(text: string): string[] {
  const words = text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
  const content = words.filter((w) => !STOPWORDS.has(w)).map(stem);
  if (content.length > 0) return content;
  if (words.length > 0) return words;
  return [`\u0000${text}`];
}

/** A unit vector of `dimensions` for `text`; same text and dimensions, same vector. */
export function embedText(text: string, dimensions: number): Float32Array {
  const sum = new Float64Array(dimensions);
  for (const feature of contentStems(text)) {
    const rng = createRng(hashString(feature) >>> 0);
    for (let i = 0; i < dimensions; i++) sum[i] += rng() * 2 - 1;
  }
  let norm = 0;
  for (let i = 0; i < dimensions; i++) norm += sum[i] * sum[i];
  norm = Math.sqrt(norm) || 1;
  const out = new Float32Array(dimensions);
  for (let i = 0; i < dimensions; i++) out[i] = sum[i] / norm;
  return out;
}

/** Cosine similarity of two equal-length vectors. */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / (Math.sqrt(na) * Math.sqrt(nb) || 1);
}

/** OpenAI's `encoding_format: "base64"`: little-endian float32 bytes, base64-encoded. */
export function toBase64Floats(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}
