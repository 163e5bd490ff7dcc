import type { CallToolsStep, ToolStep } from '../format/step-schema.js';
import { argsFromSchema, type ToolCallResult } from './mcp-tools.js';
import { type RunDeps, type RunState, runHeaders, traceparentOf } from './run-context.js';
import { fillDeep, pickVars } from './templates.js';

/** Tool steps: a named MCP tool call, and `callTools` (answer the model's tool calls). */

async function callMcp(deps: RunDeps, st: RunState, name: string, args: Record<string, unknown> | 'auto', stepName: string, intendedStartMs: number): Promise<ToolCallResult> {
  await deps.sleepUntil(intendedStartMs, st.signal);
  const startMs = deps.now();
  const client = deps.mcp(st.agent);
  let result: ToolCallResult;
  if (!client) {
    result = { ok: false, errorType: 'mcp_unavailable', errorMessage: 'the gateway has no MCP endpoint', endMs: deps.now(), text: '' };
  } else {
    let resolved: Record<string, unknown> | undefined = args === 'auto' ? undefined : args;
    if (resolved === undefined) {
      const def = await client.tools().then((t) => t.get(name)).catch(() => undefined);
      resolved = argsFromSchema(def?.inputSchema);
    }
    const headers = runHeaders(deps, st);
    result = await client.call(name, resolved, traceparentOf(st.traceId), headers, st.signal);
  }
  if (st.signal.aborted) throw st.signal.reason;
  st.calls++;
  deps.sink.call({
    kind: 'tool', step: stepName, agent: st.agent.name, runIndex: st.runIndex, runId: st.runId, tool: name,
    intendedStartMs, startMs, endMs: result.endMs, ok: result.ok, inputTokens: 0, outputTokens: 0,
    ...(result.errorType !== undefined ? { errorType: result.errorType } : {}),
  });
  return result;
}

export async function runToolStep(deps: RunDeps, st: RunState, step: ToolStep): Promise<boolean> {
  const name = `${step.server}__${step.tool}`;
  const vars = step.vars ? { ...st.vars, ...pickVars(step.vars, st.rng) } : st.vars;
  const args = step.args === 'auto' ? 'auto' : (fillDeep(step.args, vars) as Record<string, unknown>);
  const r = await callMcp(deps, st, name, args, step.name ?? `tool ${name}`, st.cursorMs);
  st.cursorMs = r.endMs;
  st.outcome = new Set([r.ok ? 'ok' : 'error']);
  if (r.ok && step.feedResult) st.messages.push({ role: 'user', content: `Result of ${name}:\n${r.text}` });
  return r.ok;
}

function parseArgs(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Calls what the last answer asked for (concurrently, as agents do); no-op when nothing was asked. */
export async function runCallTools(deps: RunDeps, st: RunState, step: CallToolsStep): Promise<boolean> {
  const asked = st.pendingToolCalls;
  st.pendingToolCalls = [];
  if (asked.length === 0) return true;
  const intended = st.cursorMs;
  const results = await Promise.all(
    asked.map(async (call, i) => {
      if (i >= step.maxCalls) return { ok: true, endMs: intended, text: 'skipped: too many tool calls in one answer' } satisfies ToolCallResult;
      const offered = st.offered.get(call.name);
      if (offered && !offered.mcp) return { ok: true, endMs: deps.now(), text: 'x'.repeat(offered.resultBytes) } satisfies ToolCallResult;
      return callMcp(deps, st, call.name, parseArgs(call.arguments), step.name ?? `tool ${call.name}`, intended);
    }),
  );
  asked.forEach((call, i) => st.messages.push({ role: 'tool', tool_call_id: call.id, content: results[i].ok ? results[i].text : `error: ${results[i].errorType ?? 'failed'}` }));
  st.cursorMs = Math.max(intended, ...results.map((r) => r.endMs));
  const ok = results.every((r) => r.ok);
  st.outcome = new Set([ok ? 'ok' : 'error']);
  return ok;
}
