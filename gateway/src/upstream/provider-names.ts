import type { ProviderConfig } from '../config/sections/providers.js';

const DEFAULT_BASE_URLS: Partial<Record<ProviderConfig['kind'], string>> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
};

/** The wire API a provider is called in. */
export function providerApi(p: ProviderConfig): 'openai' | 'anthropic' {
  return p.kind === 'anthropic' || p.api === 'anthropic' ? 'anthropic' : 'openai';
}

/** `gen_ai.provider.name` for a provider (semconv well-known values where they apply). */
export function genAiProviderName(p: ProviderConfig): string {
  if (p.providerName) return p.providerName;
  switch (p.kind) {
    case 'azure-openai':
      return 'azure.ai.openai';
    case 'anthropic':
      return 'anthropic';
    case 'sim':
      return 'sluice.sim';
    default:
      return 'openai';
  }
}

/** The base URL to call, or undefined for a `sim` provider not started yet. */
export function providerBaseUrl(p: ProviderConfig): string | undefined {
  return p.baseUrl ?? DEFAULT_BASE_URLS[p.kind];
}
