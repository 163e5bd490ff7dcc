import { formatDurationMs } from '../format/duration.js';
import { SINGLE_MESSAGE_OVERHEAD_TOKENS } from '../runner/prompt-text.js';
import { fitLognormal, fitNormal, fitRange } from './fit-latency.js';
import type { StoredCall } from './record-query.js';

/**
 * Stored calls → a scenario that replays them: one agent per recorded run with its calls in
 * order (LLM calls sized by the recorded prompt and answer tokens, tool calls by name), the
 * gaps between calls as think times, each run started at its recorded offset, and simulated
 * upstreams whose latencies fit the recorded ones. Prompt text is generated, not recorded.
 */

/** Tools the MCP simulator implements; other recorded tools replay as `fetch_document` on a server of their own. */
const SIM_TOOLS = new Set(['search', 'fetch_document', 'lookup_customer', 'calculate', 'long_task']);
const SERVER_NAME = /[^A-Za-z0-9.-]+/g;
const REPLAY_PROVIDER = 'replay';

export interface RecordOptions {
  name: string;
  description: string;
  /** At most this many runs (the first ones). */
  maxRuns: number;
}

type Obj = Record<string, unknown>;

function groupRuns(calls: readonly StoredCall[], maxRuns: number): Array<{ key: string; agent: string; calls: StoredCall[] }> {
  const runs = new Map<string, { key: string; agent: string; calls: StoredCall[] }>();
  for (const c of calls) {
    let run = runs.get(c.run);
    if (!run) {
      if (runs.size >= maxRuns) continue;
      run = { key: c.run, agent: c.agent, calls: [] };
      runs.set(c.run, run);
    }
    run.calls.push(c);
  }
  return [...runs.values()];
}

function toolTarget(c: StoredCall): { server: string; tool: string; label: string } {
  const bare = c.tool.startsWith(`${c.server}__`) ? c.tool.slice(c.server.length + 2) : c.tool;
  const server = c.server || 'tools';
  if (SIM_TOOLS.has(bare)) return { server, tool: bare, label: `${server}__${bare}` };
  return { server: `${server}.${bare}`.replace(SERVER_NAME, '-').slice(0, 64), tool: 'fetch_document', label: `${server}__${bare}` };
}

function upstreamFault(errorType: string): string | undefined {
  const m = /^upstream_(\d{3})$/.exec(errorType);
  return m ? `status=${m[1]}` : undefined;
}

function stepsOf(run: { calls: StoredCall[] }): Obj[] {
  const steps: Obj[] = [];
  let prevEnd: number | undefined;
  run.calls.forEach((c, i) => {
    if (prevEnd !== undefined) {
      const gap = Math.round(c.startMs - prevEnd);
      if (gap >= 1) steps.push({ think: formatDurationMs(gap) });
    }
    prevEnd = Math.max(prevEnd ?? 0, c.startMs + c.durationMs);
    const name = `${i + 1}-${c.kind}`;
    if (c.kind === 'llm') {
      const fault = c.status === 'error' ? upstreamFault(c.errorType) : undefined;
      steps.push({
        llm: {
          name,
          model: c.model,
          // Replayed in the API it came in on (Claude Code's traffic as /v1/messages calls).
          ...(c.api === 'anthropic' ? { api: 'anthropic' } : {}),
          history: 'reset',
          promptTokens: Math.max(SINGLE_MESSAGE_OVERHEAD_TOKENS + 1, c.inputTokens),
          outputTokens: Math.max(1, c.outputTokens),
          stream: c.stream,
          ...(fault ? { simFault: fault } : {}),
        },
      });
    } else {
      const t = toolTarget(c);
      steps.push({ tool: { name, server: t.server, tool: t.tool } });
    }
  });
  return steps;
}

function providerProfiles(calls: readonly StoredCall[]): Obj {
  const byModel = new Map<string, StoredCall[]>();
  for (const c of calls) if (c.kind === 'llm' && c.status === 'ok') byModel.set(c.model, [...(byModel.get(c.model) ?? []), c]);
  const models: Obj = {};
  for (const [model, cs] of byModel) {
    const streamed = cs.filter((c) => c.stream && c.ttftMs > 0);
    const tpot = fitNormal(streamed.map((c) => c.tpotMs));
    // JSON answers: the whole duration is the wait (the simulator waits TTFT plus token delays).
    const ttft = fitLognormal(streamed.length > 0 ? streamed.map((c) => c.ttftMs) : cs.map((c) => c.durationMs));
    models[model] = { ttftMs: ttft, tokenDelayMs: streamed.length > 0 ? tpot : { fixed: 0 } };
  }
  return models;
}

function mcpServers(calls: readonly StoredCall[]): Obj[] {
  const byServer = new Map<string, Map<string, number[]>>();
  for (const c of calls) {
    if (c.kind !== 'tool') continue;
    const t = toolTarget(c);
    const tools = byServer.get(t.server) ?? new Map<string, number[]>();
    tools.set(t.tool, [...(tools.get(t.tool) ?? []), c.durationMs]);
    byServer.set(t.server, tools);
  }
  return [...byServer].map(([name, tools]) => ({
    name,
    tools: Object.fromEntries([...tools].map(([tool, ds]) => [tool, { latencyMs: fitRange(ds) }])),
  }));
}

/** The recorded scenario (input form, ready to be written as YAML and validated). */
export function buildRecordedScenario(calls: readonly StoredCall[], o: RecordOptions): Obj {
  const runs = groupRuns(calls, o.maxRuns);
  const kept = runs.flatMap((r) => r.calls);
  const t0 = Math.min(...runs.map((r) => r.calls[0]?.startMs ?? Number.POSITIVE_INFINITY));
  const agents = runs.map((r, i) => ({ name: `run-${i + 1}`, description: `agent ${r.agent || '(unknown)'}, conversation ${r.key}`, steps: stepsOf(r) }));
  const mcp = mcpServers(kept);
  return {
    name: o.name,
    description: o.description,
    agents,
    load: { model: 'schedule', starts: runs.map((r, i) => ({ agent: `run-${i + 1}`, at: formatDurationMs(Math.max(0, Math.round((r.calls[0]?.startMs ?? t0) - t0))) })) },
    upstreams: {
      providers: [{ name: REPLAY_PROVIDER, models: providerProfiles(kept) }],
      ...(mcp.length > 0 ? { mcp } : {}),
    },
  };
}
