import { performance } from 'node:perf_hooks';
import type { Config } from '../config/schema.js';
import { GuardrailsSectionSchema } from '../config/sections/guardrails.js';
import { Cancellation } from '../pipeline/cancellation.js';
import type { RequestCtx } from '../pipeline/context.js';
import type { Outcome } from '../pipeline/outcome.js';
import { type CompiledGuardrails, compileGuardrails } from './compile-rules.js';
import { createGuardrails } from './create-guardrails.js';
import { maskText } from './mask-text.js';
import { createMasker } from './masker.js';
import { scanTexts } from './scan-texts.js';

export interface GuardrailsBench {
  /** Mean time of all built-in detectors + the locations dictionary over a 4 KB prompt (whole text). */
  detectorMsPer4KbPrompt: number;
  /**
   * CPU time of the whole request stage (policy match, scan, mask, body rewrite, hits) on the
   * `npm run bench` PII prompt with its `pii-in` + `places-in` rules, in microseconds.
   */
  requestStageUsPerPiiPrompt: number;
  /**
   * The same on one step of an agent (`agentStepMessages`: system prompt and history sent
   * again, then the PII prompt as the new message), with the scan memo and without it.
   */
  requestStageUsPerAgentStep: { memo: number; noMemo: number };
  /** Wall time of a 1 MB hostile prompt against the worst regex shape the loader accepts. */
  pathologicalMs: number;
  /** Longest stretch the event loop was held by that scan (one slice). */
  pathologicalMaxBlockMs: number;
  /** Whether the pathological scan hit its time budget (and was refused) rather than finishing. */
  pathologicalBudgetHit: boolean;
  /** Mean masking time per streamed chunk (~4 characters) at the default window. */
  streamMsPerChunk: number;
}

const PROSE =
  'Please summarise the attached quarterly report for the board. Revenue grew 12% in Italy and ' +
  'Germany, while costs in the United Kingdom fell. Contact jane.doe@example.com or +44 20 7946 0958 ' +
  'with questions about invoice 4711-22 before the meeting in Paris next Tuesday. ';

const prompt4Kb = (): string => PROSE.repeat(Math.ceil(4096 / PROSE.length)).slice(0, 4096);

const section = (rules: unknown[]) => GuardrailsSectionSchema.parse({ rules });

/** The request-side rules and prompt of the gateway bench (bench/configs.ts, bench/features.ts). */
const PII_PROMPT =
  'Hi, I am Maria from Italy, mail me at maria.rossi@example.com or call +39 06 1234 5678. My card 4111 1111 1111 1111 was charged twice. '.repeat(4);
const BENCH_RULES = [
  { name: 'pii-in', directions: ['request'], detect: { type: 'builtin', entities: ['EMAIL', 'PHONE', 'CREDIT_CARD', 'US_SSN', 'IBAN', 'IP_ADDRESS', 'SECRET'] }, action: 'mask' },
  { name: 'places-in', directions: ['request'], detect: { type: 'dictionary', entity: 'LOCATION', lists: ['locations'] }, action: 'mask' },
];

/**
 * One step of a support agent's conversation, as it reaches the gateway: a system prompt
 * and three earlier exchanges (sent again on every step, with the PII they held), then the
 * bench's PII prompt as the new message. About 4 KB of text.
 */
export function agentStepMessages(): Array<{ role: string; content: string }> {
  const policy =
    'You are the billing assistant of Example Telecom. Answer in the customer\'s language, briefly and politely. ' +
    'Never promise a refund before the billing system confirms it. Escalate disputes over 500 EUR to billing-escalations@example.com ' +
    'or the duty manager on +44 20 7946 0958, and say that you did. Offices: London, Milan, Madrid. ';
  const turns = [
    ['user', 'Hello, I am Maria Rossi, I moved from Rome to Madrid last month and my bill doubled. My account email is maria.rossi@example.com.'],
    ['assistant', 'Hello Maria, thank you for reaching out. I can see the account for maria.rossi@example.com. The last bill includes a roaming charge from Italy and a one-off installation fee.'],
    ['user', 'The card 4111 1111 1111 1111 was charged 612 EUR on 3 November. I never used roaming, I was in Spain the whole time. Please call me on +39 06 1234 5678.'],
    ['assistant', 'I understand. A dispute over 500 EUR goes to our escalations team; I have forwarded it to billing-escalations@example.com and they will call +39 06 1234 5678 within two working days.'],
    ['user', 'Thank you. Can you also check whether the installation fee applies? The technician never came to Calle de Alcalá 42.'],
    ['assistant', 'The installation visit is marked as missed on our side, so the fee should not apply. I have added a note to the dispute so the team removes it as well.'],
  ];
  return [
    { role: 'system', content: policy.repeat(5) },
    ...turns.map(([role, content]) => ({ role, content: `${content} ${'Reference: case 7781, billing period October. '.repeat(2)}` })),
    { role: 'user', content: PII_PROMPT },
  ];
}

/**
 * CPU µs per call of the request stage, on a hand-built context (what the pipeline hands it).
 * Every call gets a freshly parsed body, as a request does (a string seen before has its
 * hash cached, which would flatter the scan memo); the parsing is timed alone and taken off.
 */
async function benchRequestStage(iterations: number, messages: unknown[] = [{ role: 'user', content: PII_PROMPT }], scan: Record<string, unknown> = {}): Promise<number> {
  const guardrails = GuardrailsSectionSchema.parse({ rules: BENCH_RULES, scan });
  const stage = createGuardrails({ now: () => performance.now() }).guardRequest;
  const raw = JSON.stringify({ model: 'sim-guarded', messages, max_tokens: 32 });
  const body = JSON.parse(raw) as Record<string, unknown>;
  const cancel = new Cancellation();
  const ctx = {
    requestId: 'bench',
    api: 'openai',
    operation: 'chat',
    path: '/v1/chat/completions',
    headers: {},
    config: { guardrails } as unknown as Config,
    cancel,
    get signal() {
      return cancel.signal;
    },
    receivedAtMs: 0,
    now: () => performance.now(),
    body,
    model: 'sim-guarded',
    stream: false,
    identity: { method: 'anonymous', agent: 'anonymous' },
    attrs: {},
    events: [],
    responseHeaders: {},
    span: undefined,
  } as unknown as RequestCtx;
  const next = async (): Promise<Outcome> => ({ kind: 'json', status: 200, body: {} });
  const once = async (): Promise<void> => {
    Object.assign(ctx, { body: JSON.parse(raw), attrs: {}, events: [] });
    await stage(ctx, next);
  };
  const parseOnly = async (): Promise<void> => {
    Object.assign(ctx, { body: JSON.parse(raw), attrs: {}, events: [] });
  };
  const cpuPerCall = async (f: () => Promise<void>): Promise<number> => {
    const cpu = process.cpuUsage();
    for (let i = 0; i < iterations; i++) await f();
    const used = process.cpuUsage(cpu);
    return (used.user + used.system) / iterations;
  };
  for (let i = 0; i < 5_000; i++) await once();
  await cpuPerCall(parseOnly);
  return (await cpuPerCall(once)) - (await cpuPerCall(parseOnly));
}

function builtinSet(): CompiledGuardrails {
  return compileGuardrails(
    section([
      { name: 'pii', detect: { type: 'builtin', entities: ['EMAIL', 'PHONE', 'CREDIT_CARD', 'US_SSN', 'IBAN', 'IP_ADDRESS', 'SECRET'] } },
      { name: 'ids', detect: { type: 'national-id', countries: ['GB', 'ES', 'IT', 'IN'] } },
      { name: 'places', detect: { type: 'dictionary', entity: 'LOCATION', lists: ['locations'] } },
    ]),
    new WeakMap(),
  );
}

/** Figures for `npm run bench` (no assertions; numbers only). */
export async function benchGuardrails(iterations = 200): Promise<GuardrailsBench> {
  const set = builtinSet().ruleSet('request', { route: '/v1/chat/completions' });
  const text = prompt4Kb();
  // Whole texts (request and JSON response bodies) take this path; streams are below.
  const once = (): void => {
    maskText(set.entries, 'request', text);
  };
  for (let i = 0; i < 20; i++) once();
  let t0 = performance.now();
  for (let i = 0; i < iterations; i++) once();
  const detectorMsPer4KbPrompt = (performance.now() - t0) / iterations;
  const requestStageUsPerPiiPrompt = await benchRequestStage(iterations * 100);
  const requestStageUsPerAgentStep = {
    memo: await benchRequestStage(iterations * 50, agentStepMessages()),
    noMemo: await benchRequestStage(iterations * 10, agentStepMessages(), { memoBytes: 0 }),
  };

  // Two adjacent overlapping bounded repetitions: accepted (no nesting), quadratic per start.
  const hostile = compileGuardrails(
    section([{ name: 'worst', detect: { type: 'regex', entity: 'X', pattern: '[a-z]{1,20}[a-z0-9]{1,20}#' } }]),
    new WeakMap(),
  ).ruleSet('request', { route: '/' });
  let maxBlockMs = 0;
  let last = performance.now();
  const env = {
    direction: 'request' as const,
    route: '/',
    now: () => performance.now(),
    yieldToLoop: async () => {
      maxBlockMs = Math.max(maxBlockMs, performance.now() - last);
      await new Promise<void>((r) => setImmediate(r));
      last = performance.now();
    },
  };
  const budget = GuardrailsSectionSchema.parse({}).scan;
  t0 = performance.now();
  last = t0;
  const out = await scanTexts(['a'.repeat(1024 * 1024)], hostile, budget, env);
  const pathologicalMs = performance.now() - t0;

  const stream = builtinSet().ruleSet('response', { route: '/' });
  const m = createMasker(stream.entries, 'response', 128);
  const chunks = text.match(/.{1,4}/gs) ?? [];
  t0 = performance.now();
  for (const c of chunks) m.push(c);
  m.end();
  const streamMsPerChunk = (performance.now() - t0) / chunks.length;

  return {
    detectorMsPer4KbPrompt,
    requestStageUsPerPiiPrompt,
    requestStageUsPerAgentStep,
    pathologicalMs,
    pathologicalMaxBlockMs: Math.max(maxBlockMs, performance.now() - last),
    pathologicalBudgetHit: out.budgetExceeded === true,
    streamMsPerChunk,
  };
}
