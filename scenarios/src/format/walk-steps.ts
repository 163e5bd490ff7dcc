import type { StepOutput } from './step-schema.js';

/** Every step of a tree, depth first (sequences, branches and loop bodies included). */
export function* walkSteps(steps: readonly StepOutput[]): Generator<StepOutput> {
  for (const step of steps) {
    yield step;
    if (step.sequence) yield* walkSteps(step.sequence);
    if (step.branch) {
      yield* walkSteps(step.branch.then);
      yield* walkSteps(step.branch.else);
    }
    if (step.loop) yield* walkSteps(step.loop.steps);
  }
}

/** Models named by LLM steps, in first-use order. */
export function modelsUsed(agents: ReadonlyArray<{ steps: readonly StepOutput[] }>): string[] {
  const out = new Set<string>();
  for (const a of agents) for (const s of walkSteps(a.steps)) if (s.llm) out.add(s.llm.model);
  return [...out];
}

/** MCP tools named by tool steps and offered tools, as `server` → tool names. */
export function mcpToolsUsed(agents: ReadonlyArray<{ steps: readonly StepOutput[] }>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (server: string, tool: string) => {
    const set = out.get(server) ?? new Set<string>();
    set.add(tool);
    out.set(server, set);
  };
  for (const a of agents) {
    for (const s of walkSteps(a.steps)) {
      if (s.tool) add(s.tool.server, s.tool.tool);
      for (const t of s.llm?.tools ?? []) if ('server' in t) add(t.server, t.tool);
    }
  }
  return out;
}
