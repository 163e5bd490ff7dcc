import { ConfigSchema, type Config, type ConfigInput } from '../../config/schema.js';

/** Providers and models shared by the identity tests (the report's OpenAI/Anthropic names). */
const BASE: ConfigInput = {
  providers: [
    { name: 'openai', kind: 'openai' },
    { name: 'anthropic', kind: 'openai', baseUrl: 'https://anthropic.example.com/v1' },
    { name: 'azure', kind: 'openai', baseUrl: 'https://azure.example.com/v1' },
  ],
  models: {
    'gpt-4': { provider: 'openai' },
    'gpt-3.5-turbo': { provider: 'openai' },
    'gpt-4o': { targets: [{ provider: 'openai' }, { provider: 'azure', model: 'gpt-4o-2024' }] },
    'claude-3-opus': { provider: 'anthropic' },
    'openai/*': { provider: 'openai' },
  },
};

/** A validated, frozen-by-convention config: the base providers/models plus `auth`/`policies` from `extra`. */
export function testConfig(extra: Pick<ConfigInput, 'auth' | 'policies'> = {}): Config {
  return ConfigSchema.parse({ ...BASE, ...extra });
}
