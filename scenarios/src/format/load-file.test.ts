import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, parseScenarioText } from './load-file.js';
import { ScenarioError } from './scenario-error.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

function issuesOf(text: string): Array<{ path: string; message: string; line?: number }> {
  try {
    parseScenarioText(text);
  } catch (e) {
    if (e instanceof ScenarioError) return [...e.issues];
    throw e;
  }
  throw new Error('the scenario was accepted');
}

const VALID = `
name: tiny
agents:
  - name: a
    steps:
      - llm: { model: m, prompt: hi }
load: { model: closed, concurrency: 1, runs: 1 }
`;

describe('scenario files', () => {
  it.each(readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml')))('the shipped example %s is valid', async (file) => {
    const s = await loadScenarioFile(join(EXAMPLES, file));
    expect(s.agents.length).toBeGreaterThan(0);
    expect(Object.keys(s.profiles)).toContain('ci');
  });

  it('fills defaults and converts durations to milliseconds', () => {
    const s = parseScenarioText(`${VALID.replace('runs: 1 }', 'runs: 1, pauseBetweenRuns: 1.5s }')}`);
    expect(s.load).toMatchObject({ model: 'closed', pauseBetweenRuns: 1500, seed: 1, maxInFlight: 10_000, warmup: true });
    expect(s.agents[0]).toMatchObject({ weight: 1, onError: 'stop', steps: [{ llm: { model: 'm', stream: true, history: 'keep' } }] });
  });

  it('takes the wire API of LLM steps from the step, else the agent, else OpenAI', () => {
    const s = parseScenarioText(`
name: wires
agents:
  - name: plain
    steps: [ { llm: { model: m, prompt: hi } } ]
  - name: claude
    api: anthropic
    steps: [ { llm: { model: m, prompt: hi } }, { llm: { model: m, prompt: hi, api: openai } } ]
load: { model: closed, concurrency: 1, runs: 1 }
`);
    expect(s.agents.map((a) => [a.api, ...a.steps.map((st) => st.llm?.api ?? a.api)])).toEqual([['openai', 'openai'], ['anthropic', 'anthropic', 'openai']]);
    const issues = issuesOf(VALID.replace('prompt: hi }', 'prompt: hi, api: gemini }'));
    expect(issues.map((i) => [i.path, i.line])).toEqual([['agents.0.steps.0.llm.api', 6]]);
  });

  it('refuses a bad file with the path and line of every problem', () => {
    const issues = issuesOf(`
name: "bad name!"
agents:
  - name: a
    steps:
      - llm: { model: m, prompt: hi, colour: blue }
      - { think: 2s, tool: { server: s, tool: t } }
      - loop: { steps: [ { think: 10ms } ] }
      - think: soon
      - {}
load: { model: open, stages: [ { duration: 10s, ratePerSec: -1 } ] }
expectations:
  - { metric: ttft_ms, stat: p42, max: 1s }
`);
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i]));
    expect(Object.keys(byPath).sort()).toEqual([
      'agents.0.steps.0.llm.colour',
      'agents.0.steps.1',
      'agents.0.steps.2.loop',
      'agents.0.steps.3.think',
      'agents.0.steps.4',
      'expectations.0.stat',
      'load.stages.0.ratePerSec',
      'name',
    ]);
    expect(byPath['agents.0.steps.0.llm.colour'].message).toBe('unknown key "colour"');
    expect(byPath['agents.0.steps.0.llm.colour'].line).toBe(6);
    expect(byPath['agents.0.steps.1'].message).toMatch(/exactly one kind; got tool, think/);
    expect(byPath['agents.0.steps.2.loop'].message).toBe('give exactly one of times or while');
    expect(byPath['agents.0.steps.3.think'].message).toMatch(/a duration like/);
    expect(byPath['agents.0.steps.4'].message).toMatch(/needs one of llm, tool/);
    expect(byPath['load.stages.0.ratePerSec'].line).toBe(11);
  });

  it('checks references across the file: agents of a schedule, duplicate names, upstream windows', () => {
    const issues = issuesOf(`
name: refs
agents:
  - { name: a, steps: [ { think: 1s } ] }
  - { name: a, steps: [ { think: 1s } ] }
load: { model: schedule, starts: [ { agent: ghost, at: 0 } ] }
upstreams:
  providers:
    - { name: p, faults: [ { from: 5s, to: 1s, fault: "status=503" }, { fault: "explode=1" } ] }
`);
    expect(issues.map((i) => `${i.path}: ${i.message}`)).toEqual(
      expect.arrayContaining([
        'agents.1.name: duplicate agent "a"',
        'load.starts.0.agent: unknown agent "ghost"',
        'upstreams.providers.0.faults.0.to: from must not be after to',
        expect.stringMatching(/^upstreams\.providers\.0\.faults\.1\.fault: unknown fault "explode"/),
      ]),
    );
  });

  it('validates the gateway config it would start, with paths (and lines) under gateway.config', () => {
    const provider = issuesOf(`${VALID}gateway:\n  config:\n    models:\n      m: { targets: [ { provider: nowhere } ] }\n`);
    expect(provider).toEqual([{ path: 'gateway.config.models.m.targets.0.provider', message: 'unknown provider "nowhere"', line: 11 }]);
    const budget = issuesOf(`${VALID}gateway:\n  config:\n    budgets: { rules: [ { name: b, window: weekly, limitUsd: 1 } ] }\n`);
    expect(budget.map((i) => i.path)).toEqual(['gateway.config.budgets.rules.0.window']);
  });

  it('reports YAML syntax errors with their line', () => {
    const issues = issuesOf('name: x\nagents: [\n');
    expect(issues[0].path).toBe('(yaml)');
    expect(issues[0].line).toBeGreaterThan(0);
  });

  it('keeps credentials out of the file: identities name environment variables', () => {
    const issues = issuesOf(VALID.replace('- name: a', '- name: a\n    identity: { key: "sk-inline-secret" }'));
    expect(issues.map((i) => i.path)).toContain('agents.0.identity.key');
    expect(JSON.stringify(issues)).not.toContain('sk-inline-secret');
  });
});
