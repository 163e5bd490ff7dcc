import { type Target, closedLoop, streamTtft } from './load.js';
import type { Proc } from './processes.js';
import { fmt, median, pairedRatioText, roundOrder, table } from './report.js';
import { chatBody, streamBody } from './core.js';
import { agentStepMessages } from '../gateway/src/guardrails/index.js';

const CHAT = '/v1/chat/completions';
const PII_PROMPT = 'Hi, I am Maria from Italy, mail me at maria.rossi@example.com or call +39 06 1234 5678. My card 4111 1111 1111 1111 was charged twice. '.repeat(4);
/** About as long, with nothing to mask: what most prompts look like to the request guardrails. */
const CLEAN_PROMPT = 'Hi, I am writing from home, please send me the notes or call me later today. My order number was charged twice, please check. '.repeat(4);

export interface FeatureVariant {
  name: string;
  body: string;
  headers?: Record<string, string>;
}

/**
 * The cost of each policy feature on one gateway process: the same simulator behind model
 * names with the feature on, and the same requests with a virtual key or a JWT, alternating.
 */
export async function benchFeatures(gw: Proc, authGw: Proc, bare: Proc, creds: { virtualKey: string; jwt: string }, rounds: number, phaseMs: number, connections: number): Promise<string> {
  const t: Target = { name: 'sluice', url: gw.url };
  const authT: Target = { name: 'sluice-auth-only', url: authGw.url };
  // The reference for cache hits (issue 9): the bare pass-through proxy, alternated with the rest.
  const bareVariant: FeatureVariant = { name: 'bare node:http pass-through proxy (reference)', body: chatBody('sim-fast', PII_PROMPT) };
  // Auth is compared on a gateway with no other policy, so only the credential check differs.
  const authVariants: FeatureVariant[] = [
    { name: 'no auth (anonymous), auth-only gateway', body: chatBody('sim-fast', PII_PROMPT) },
    { name: 'virtual key, auth-only gateway', body: chatBody('sim-fast', PII_PROMPT), headers: { authorization: `Bearer ${creds.virtualKey}` } },
    { name: 'JWT (static key, verified-token cache), auth-only gateway', body: chatBody('sim-fast', PII_PROMPT), headers: { authorization: `Bearer ${creds.jwt}` } },
  ];
  const variants: FeatureVariant[] = [
    { name: 'baseline (anonymous, no policy)', body: chatBody('sim-fast', PII_PROMPT) },
    { name: 'built-in request guardrails (PII + locations, prompt full of PII)', body: chatBody('sim-guarded', PII_PROMPT) },
    { name: 'budget + rate limit', body: chatBody('sim-budgeted', PII_PROMPT) },
    { name: 'exact cache hit (no upstream call)', body: chatBody('sim-cached', PII_PROMPT) },
  ];
  // The guardrails' cost on a prompt without PII, against its own baseline.
  const cleanVariants: FeatureVariant[] = [
    { name: 'baseline, a prompt without PII', body: chatBody('sim-fast', CLEAN_PROMPT) },
    { name: 'built-in request guardrails, the same prompt without PII', body: chatBody('sim-guarded', CLEAN_PROMPT) },
  ];
  // An agent's step: its system prompt and history again, the PII prompt as the new message
  // (the history is scanned once, then answered from the guardrails' scan memo).
  const agentBody = (model: string) => JSON.stringify({ model, messages: agentStepMessages(), max_tokens: 32 });
  const agentVariants: FeatureVariant[] = [
    { name: 'baseline, an agent step (system prompt + history + the PII prompt)', body: agentBody('sim-fast') },
    { name: 'built-in request guardrails, the same agent step', body: agentBody('sim-guarded') },
    { name: 'a model with a context window (128k), the same agent step', body: agentBody('sim-windowed') },
  ];
  const all: Array<[Target, FeatureVariant, Proc]> = [
    ...authVariants.map((v): [Target, FeatureVariant, Proc] => [authT, v, authGw]),
    ...variants.map((v): [Target, FeatureVariant, Proc] => [t, v, gw]),
    ...cleanVariants.map((v): [Target, FeatureVariant, Proc] => [t, v, gw]),
    ...agentVariants.map((v): [Target, FeatureVariant, Proc] => [t, v, gw]),
    [{ name: 'bare', url: bare.url }, bareVariant, bare],
  ];
  for (const [target, v] of all) await closedLoop(target, CHAT, v.body, 16, 1000, v.headers);
  const rps: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [target, v, proc] of roundOrder(all, r)) {
      const c0 = proc.cpuMicros();
      const res = await closedLoop(target, CHAT, v.body, connections, phaseMs, v.headers);
      if (res.errors) console.error(`  ${v.name}: ${res.errors} errors`);
      (rps[v.name] ??= []).push(res.rps);
      (cpu[v.name] ??= []).push((proc.cpuMicros() - c0) / Math.max(1, res.requests));
    }
  }
  // Ratios are medians of round-by-round ratios (see pairedRatio). The gateway's own CPU per
  // request: on two shared cores a phase's req/s moves with whatever else runs, its CPU per
  // request much less. base / variant is the throughput ratio of a gateway with cores of its own.
  const row = (v: FeatureVariant, baseName: string, label = v.name) => [
    label,
    fmt(median(rps[v.name]), 0),
    pairedRatioText(rps[v.name], rps[baseName]),
    fmt(median(cpu[v.name]), 0),
    pairedRatioText(cpu[baseName], cpu[v.name]),
  ];
  const ttftPlain: number[] = [];
  const ttftGuarded: number[] = [];
  for (let r = 0; r < rounds; r++) {
    ttftPlain.push((await streamTtft(t, CHAT, streamBody('sim-fast', PII_PROMPT), 150)).p50);
    ttftGuarded.push((await streamTtft(t, CHAT, streamBody('sim-masked', PII_PROMPT), 150)).p50);
  }
  return table('Cost of policy features (issues 4, 5, 8), 64 connections', ['variant', 'req/s', 'vs baseline (median of rounds, range)', 'gateway CPU per request (µs)', 'baseline CPU / this (median, range)'], [
    ...authVariants.map((v) => row(v, authVariants[0].name)),
    ...variants.map((v) => row(v, variants[0].name)),
    row(variants[3], bareVariant.name, `${variants[3].name} vs the bare proxy (${fmt(median(rps[bareVariant.name]), 0)} req/s, ${fmt(median(cpu[bareVariant.name]), 0)} µs)`),
    ...cleanVariants.map((v) => row(v, cleanVariants[0].name)),
    ...agentVariants.map((v) => row(v, agentVariants[0].name)),
    ['streaming TTFT p50, response masking on vs off (ms)', `${fmt(median(ttftGuarded))} vs ${fmt(median(ttftPlain))}`, `+${fmt(median(ttftGuarded) - median(ttftPlain))} ms`, '', ''],
  ]);
}
