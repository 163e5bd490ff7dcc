import { formatFaultSpec, parseFaultSpec } from '../sim/index.js';
import { sample } from '../sim/random.js';
import type { LlmStep } from '../format/step-schema.js';
import type { LlmCallResult } from './llm-exchange.js';
import { callLlm } from './llm-wire.js';
import { userMessageOfPromptTokens } from './prompt-text.js';
import { type RunDeps, type RunState, runHeaders } from './run-context.js';
import { fillTemplate, pickVars } from './templates.js';

/** Builds and sends one LLM step's call, appends the answer to the conversation, records it. */

async function offeredTools(deps: RunDeps, st: RunState, step: LlmStep): Promise<unknown[] | undefined> {
  st.offered.clear();
  if (!step.tools || step.tools.length === 0) return undefined;
  const out: unknown[] = [];
  for (const t of step.tools) {
    if ('function' in t) {
      out.push({ type: 'function', function: t.function });
      st.offered.set(t.function.name, { mcp: false, resultBytes: t.resultBytes });
      continue;
    }
    const name = `${t.server}__${t.tool}`;
    const def = (await deps.mcp(st.agent)?.tools())?.get(name);
    if (!def) throw new Error(`MCP tool ${name} is not offered by the gateway`);
    out.push({ type: 'function', function: { name, ...(def.description ? { description: def.description } : {}), parameters: def.inputSchema } });
    st.offered.set(name, { mcp: true, resultBytes: 0 });
  }
  return out;
}

function simFaultHeader(step: LlmStep, st: RunState): string | undefined {
  const parts: string[] = [];
  if (step.simFault) {
    const r = parseFaultSpec(step.simFault);
    if (r.ok) parts.push(formatFaultSpec(r.spec));
  }
  if (step.outputTokens) parts.push(`output-tokens=${Math.max(1, Math.round(sample(step.outputTokens, st.rng)))}`);
  return parts.length > 0 ? parts.join(';') : undefined;
}

function stepMessages(step: LlmStep, st: RunState): Array<Record<string, unknown>> {
  const vars = step.vars ? { ...st.vars, ...pickVars(step.vars, st.rng) } : st.vars;
  const out: Array<Record<string, unknown>> = (step.messages ?? []).map((m) => ({ role: m.role, content: fillTemplate(m.content, vars) }));
  if (step.prompt !== undefined) out.push({ role: 'user', content: fillTemplate(step.prompt, vars) });
  if (step.promptTokens !== undefined) out.push({ role: 'user', content: userMessageOfPromptTokens(step.promptTokens, Math.floor(st.rng() * 2 ** 31)) });
  return out;
}

/** Runs the step; returns the call's result (undefined when it could not be sent at all). */
export async function runLlmStep(deps: RunDeps, st: RunState, step: LlmStep): Promise<LlmCallResult> {
  const intendedStartMs = st.cursorMs;
  await deps.sleepUntil(intendedStartMs, st.signal);
  const fresh = stepMessages(step, st);
  const messages = step.history === 'reset' ? fresh : [...st.messages, ...fresh];
  const headers: Record<string, string> = { ...deps.identityHeaders(st.agent), ...runHeaders(deps, st), 'x-request-id': `${st.runId}.${st.calls}`, ...(step.headers ?? {}) };
  const fault = simFaultHeader(step, st);
  if (fault) headers['x-sim-fault'] = fault;
  const api = step.api ?? st.agent.api;
  const startMs = deps.now();
  let result: LlmCallResult;
  try {
    const tools = await offeredTools(deps, st, step);
    const body: Record<string, unknown> = { model: step.model, messages, stream: step.stream };
    if (step.stream) body.stream_options = { include_usage: true };
    if (step.maxTokens !== undefined) body.max_tokens = step.maxTokens;
    if (tools) body.tools = tools;
    if (step.toolChoice) body.tool_choice = step.toolChoice;
    if (step.temperature !== undefined) body.temperature = step.temperature;
    result = await callLlm(api, deps.pool, deps.apiPrefix, { body, headers, stream: step.stream, intendedStartMs, timeoutMs: deps.callTimeoutMs, signal: st.signal }, deps.now);
  } catch (err) {
    result = { ok: false, status: 0, errorType: 'tools_unavailable', errorMessage: (err as Error).message, endMs: deps.now(), inputTokens: 0, outputTokens: 0, content: '', toolCalls: [], clientBusyMs: 0 };
  }
  // Cut short by the end of the load: the run is abandoned, the call is not a result.
  if (st.signal.aborted) throw st.signal.reason;
  st.calls++;
  st.messages = messages;
  if (result.ok) {
    const answer: Record<string, unknown> = { role: 'assistant', content: result.content === '' && result.toolCalls.length > 0 ? null : result.content };
    if (result.toolCalls.length > 0) {
      answer.tool_calls = result.toolCalls.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: t.arguments } }));
    }
    st.messages.push(answer);
  }
  st.pendingToolCalls = result.ok ? result.toolCalls : [];
  st.outcome = new Set(result.ok ? ['ok', result.toolCalls.length > 0 ? 'tool_calls' : result.finishReason === 'length' ? 'length' : 'text'] : ['error']);
  st.cursorMs = result.endMs;
  deps.sink.call({
    kind: 'llm', step: step.name ?? `llm ${step.model}`, agent: st.agent.name, runIndex: st.runIndex, runId: st.runId,
    model: step.model, api, stream: step.stream, intendedStartMs, startMs, endMs: result.endMs, ok: result.ok,
    inputTokens: result.inputTokens, outputTokens: result.outputTokens, clientBusyMs: result.clientBusyMs,
    ...(result.errorType !== undefined ? { errorType: result.errorType } : {}),
    ...(result.ttftMs !== undefined ? { ttftMs: result.ttftMs } : {}),
    ...(result.tpotMs !== undefined ? { tpotMs: result.tpotMs } : {}),
    ...(result.requestId !== undefined ? { requestId: result.requestId } : {}),
  });
  return result;
}
