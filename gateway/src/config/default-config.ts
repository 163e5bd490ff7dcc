import type { ConfigInput } from './schema.js';

/** OpenAI models listed by name in the default config when `OPENAI_API_KEY` is set. */
const OPENAI_MODELS = ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'o4-mini', 'text-embedding-3-small', 'text-embedding-3-large'];

/** Anthropic models listed by name in the default config when `ANTHROPIC_API_KEY` is set. */
const ANTHROPIC_MODELS = ['claude-opus-4-5', 'claude-opus-4-1', 'claude-sonnet-4-5', 'claude-haiku-4-5'];

/**
 * The config used when no file is given: the built-in simulator (models `sim-fast`,
 * instant, and `sim-realistic`, human-paced streaming; `sim-claude`, the simulator called
 * through the Anthropic adapter), plus every provider whose key is in the environment
 * (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`, `OLLAMA_BASE_URL`). Other providers' models are
 * also reachable as `openai/<model>`, `anthropic/<model>` and `ollama/<model>`.
 */
export function defaultConfigInput(env: Readonly<Record<string, string | undefined>>): ConfigInput {
  const cfg: ConfigInput = {
    // Open on the loopback interface out of the box; declare keys or JWT issuers under
    // `auth` (and turn this off) before exposing the gateway.
    auth: { anonymous: { enabled: true } },
    providers: [
      { name: 'sim', kind: 'sim' },
      { name: 'sim-anthropic', kind: 'sim', api: 'anthropic' },
    ],
    models: {
      'sim-fast': { provider: 'sim', model: 'sim-fast' },
      'sim-realistic': { provider: 'sim', model: 'sim-realistic' },
      'sim-embed': { provider: 'sim', model: 'sim-embed' },
      'sim-claude': { provider: 'sim-anthropic', model: 'sim-fast' },
    },
  };
  if (env.OPENAI_API_KEY) {
    cfg.providers!.push({ name: 'openai', kind: 'openai', apiKey: { env: 'OPENAI_API_KEY' } });
    for (const m of OPENAI_MODELS) cfg.models![m] = { provider: 'openai', model: m };
    cfg.models!['openai/*'] = { provider: 'openai' };
  }
  if (env.ANTHROPIC_API_KEY) {
    cfg.providers!.push({ name: 'anthropic', kind: 'anthropic', apiKey: { env: 'ANTHROPIC_API_KEY' } });
    for (const m of ANTHROPIC_MODELS) cfg.models![m] = { provider: 'anthropic', model: m };
    cfg.models!['anthropic/*'] = { provider: 'anthropic' };
  }
  if (env.OLLAMA_BASE_URL) {
    cfg.providers!.push({ name: 'ollama', kind: 'openai', baseUrl: `${env.OLLAMA_BASE_URL.replace(/\/+$/, '')}/v1` });
    cfg.models!['ollama/*'] = { provider: 'ollama' };
  }
  return cfg;
}
