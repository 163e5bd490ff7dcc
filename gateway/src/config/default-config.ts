import type { ConfigInput } from './schema.js';

/** OpenAI models listed by name in the default config when `OPENAI_API_KEY` is set. */
const OPENAI_MODELS = ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'o4-mini', 'text-embedding-3-small', 'text-embedding-3-large'];

/**
 * The config used when no file is given: the built-in simulator (models `sim-fast`,
 * instant, and `sim-realistic`, human-paced streaming), plus every provider whose key is
 * in the environment (`OPENAI_API_KEY`, `OLLAMA_BASE_URL`). Other providers' models are
 * also reachable as `openai/<model>` and `ollama/<model>`.
 */
export function defaultConfigInput(env: Readonly<Record<string, string | undefined>>): ConfigInput {
  const cfg: ConfigInput = {
    // Open on the loopback interface out of the box; declare keys or JWT issuers under
    // `auth` (and turn this off) before exposing the gateway.
    auth: { anonymous: { enabled: true } },
    providers: [{ name: 'sim', kind: 'sim' }],
    models: {
      'sim-fast': { provider: 'sim', model: 'sim-fast' },
      'sim-realistic': { provider: 'sim', model: 'sim-realistic' },
      'sim-embed': { provider: 'sim', model: 'sim-embed' },
    },
  };
  if (env.OPENAI_API_KEY) {
    cfg.providers!.push({ name: 'openai', kind: 'openai', apiKey: { env: 'OPENAI_API_KEY' } });
    for (const m of OPENAI_MODELS) cfg.models![m] = { provider: 'openai', model: m };
    cfg.models!['openai/*'] = { provider: 'openai' };
  }
  if (env.OLLAMA_BASE_URL) {
    cfg.providers!.push({ name: 'ollama', kind: 'openai', baseUrl: `${env.OLLAMA_BASE_URL.replace(/\/+$/, '')}/v1` });
    cfg.models!['ollama/*'] = { provider: 'ollama' };
  }
  return cfg;
}
