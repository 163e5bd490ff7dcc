import type { Dispatcher } from 'undici';
import type { LlmApi } from '../format/step-schema.js';
import { callChat } from './llm-call.js';
import type { LlmCallInput, LlmCallResult } from './llm-exchange.js';
import { callMessages } from './messages-call.js';

/**
 * Where an LLM call of each wire API goes and what sends it. Both paths hang off the gateway's
 * `/v1` prefix (`RunDeps.apiPrefix`): OpenAI's SDK is given `{gateway}/v1` as its base URL,
 * Anthropic's SDK `{gateway}` and adds `/v1/messages` itself, so the two land side by side.
 */

type Send = (pool: Dispatcher, input: LlmCallInput, now: () => number) => Promise<LlmCallResult>;

const WIRES: Readonly<Record<LlmApi, { path: string; send: Send }>> = {
  openai: { path: '/chat/completions', send: callChat },
  anthropic: { path: '/messages', send: callMessages },
};

/** Sends one call (body in OpenAI chat form) on `api`'s wire. Never throws. */
export function callLlm(api: LlmApi, pool: Dispatcher, apiPrefix: string, input: Omit<LlmCallInput, 'path'>, now: () => number): Promise<LlmCallResult> {
  const wire = WIRES[api];
  return wire.send(pool, { ...input, path: `${apiPrefix}${wire.path}` }, now);
}
