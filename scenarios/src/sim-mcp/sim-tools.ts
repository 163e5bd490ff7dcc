import { createHash } from 'node:crypto';
import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { behaviourOf } from './options.js';
import { drawLatencyMs, fillerText, seededRandom } from './seeded-random.js';
import type { SimMcpState } from './sim-state.js';

type Extra = {
  signal: AbortSignal;
  _meta?: { progressToken?: string | number };
  sendNotification: (n: { method: 'notifications/progress'; params: { progressToken: string | number; progress: number; total?: number; message?: string } }) => Promise<void>;
};
type Body = (args: Record<string, unknown>, extra: Extra) => Promise<CallToolResult>;

const text = (t: string, isError = false): CallToolResult => ({ content: [{ type: 'text', text: t }], ...(isError ? { isError } : {}) });

/** Sleeps `ms`, rejecting with the abort reason when the caller cancels. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return signal.aborted ? Promise.reject(signal.reason) : Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => { clearTimeout(timer); reject(signal.reason ?? new Error('aborted')); };
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Wraps a tool body with the simulated behaviour: outages, latency, failures, counters. */
function simulated(state: SimMcpState, tool: string, body: Body): Body {
  return async function simulatedTool(args, extra) {
    state.countCall(tool);
    if (state.inOutage()) {
      state.stats.outageRejections += 1;
      return text(`simulated outage: ${tool} is unavailable`, true);
    }
    const behaviour = behaviourOf(state.options, tool);
    try {
      await sleep(drawLatencyMs(state.random, behaviour.latencyMs), extra.signal);
      if (behaviour.errorRate > 0 && state.random() < behaviour.errorRate) {
        state.stats.errors += 1;
        return text(`simulated failure in ${tool}`, true);
      }
      return await body(args, extra);
    } catch (err) {
      if (extra.signal.aborted) state.stats.cancelled += 1;
      throw err;
    }
  };
}

/** A per-key RNG so the same document id always yields the same document. */
const keyedRandom = (seed: number, key: string) =>
  seededRandom(seed ^ createHash('sha256').update(key).digest().readUInt32BE(0));

const SearchResult = z.object({ id: z.string(), title: z.string(), snippet: z.string(), score: z.number() });

interface ToolSpec {
  name: string;
  description: string;
  input: z.ZodRawShape;
  output?: z.ZodRawShape;
  body: Body;
}

function specs(state: SimMcpState): ToolSpec[] {
  const seed = state.options.seed;
  return [
    {
      name: 'search',
      description: 'Searches the simulated document index and returns the best matches.',
      input: { query: z.string().min(1).describe('What to look for'), limit: z.number().int().min(1).max(50).optional() },
      output: { results: z.array(SearchResult) },
      body: async (args) => {
        const query = String(args.query);
        const limit = typeof args.limit === 'number' ? args.limit : 5;
        const random = keyedRandom(seed, `search:${query}`);
        const per = Math.max(16, Math.floor(behaviourOf(state.options, 'search').resultBytes / limit));
        const results = Array.from({ length: limit }, (_, i) => ({
          id: `doc-${Math.floor(random() * 100_000)}`,
          title: `${query} — result ${i + 1}`,
          snippet: fillerText(random, per),
          score: Math.round((1 - i / (limit + 1)) * 1000) / 1000,
        }));
        return { content: [{ type: 'text', text: JSON.stringify({ results }) }], structuredContent: { results } };
      },
    },
    {
      name: 'fetch_document',
      description: 'Fetches one document of the simulated index by id.',
      input: { id: z.string().min(1).describe('Document id, e.g. doc-123') },
      body: async (args) => {
        const id = String(args.id);
        const bytes = behaviourOf(state.options, 'fetch_document').resultBytes;
        return text(`# ${id}\n\n${fillerText(keyedRandom(seed, `doc:${id}`), bytes)}`);
      },
    },
    {
      name: 'lookup_customer',
      description: 'Looks up a customer record (contains personal data: email, phone, card number).',
      input: { customerId: z.string().min(1) },
      body: async (args) => {
        const id = String(args.customerId);
        const n = Math.floor(keyedRandom(seed, `cust:${id}`)() * 9000) + 1000;
        return text(
          `Customer ${id}: Ada Lovelace, email ada.lovelace${n}@example.com, phone +1-555-010-${n}, ` +
            `card 4111 1111 1111 1111, address ${n} Analytical Engine Way, London`,
        );
      },
    },
    {
      name: 'calculate',
      description: 'Applies an arithmetic operation to two numbers.',
      input: { a: z.number(), b: z.number(), op: z.enum(['add', 'subtract', 'multiply', 'divide']) },
      output: { result: z.number() },
      body: async (args) => {
        const a = Number(args.a);
        const b = Number(args.b);
        if (args.op === 'divide' && b === 0) return text('division by zero', true);
        const result = args.op === 'add' ? a + b : args.op === 'subtract' ? a - b : args.op === 'multiply' ? a * b : a / b;
        return { content: [{ type: 'text', text: String(result) }], structuredContent: { result } };
      },
    },
    {
      name: 'long_task',
      description: 'Runs for durationMs, reporting progress in steps; stops when cancelled.',
      input: { durationMs: z.number().int().min(0).max(600_000), steps: z.number().int().min(1).max(100).optional() },
      body: async (args, extra) => {
        const steps = typeof args.steps === 'number' ? args.steps : 5;
        const stepMs = Number(args.durationMs) / steps;
        const token = extra._meta?.progressToken;
        for (let i = 1; i <= steps; i++) {
          await sleep(stepMs, extra.signal);
          if (token !== undefined) {
            await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: i, total: steps, message: `step ${i}/${steps}` } });
          }
        }
        return text(`long_task finished after ${steps} steps`);
      },
    },
  ];
}

/** Registers the simulated tools on `server`; returns them by name (for runtime updates). */
export function registerSimTools(server: McpServer, state: SimMcpState): Map<string, RegisteredTool> {
  const registered = new Map<string, RegisteredTool>();
  for (const spec of specs(state)) {
    if (!state.toolEnabled(spec.name)) continue;
    const tool = server.registerTool(
      spec.name,
      {
        description: state.description(spec.name, spec.description),
        inputSchema: spec.input,
        ...(spec.output ? { outputSchema: spec.output } : {}),
      },
      simulated(state, spec.name, spec.body) as never,
    );
    registered.set(spec.name, tool);
  }
  return registered;
}
