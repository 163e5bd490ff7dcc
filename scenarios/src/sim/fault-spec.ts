import { z } from 'zod';

/**
 * Fault specs: what goes wrong with one request. Written as `;`-separated text in the
 * `x-sim-fault` header (`status=429;retry-after=2`, `disconnect-after=5`, `refuse`) or as an
 * object in a fault plan. Pure: parse, validate, format back (format∘parse round-trips).
 */

const count = z.number().int().nonnegative();
const durationMs = z.number().nonnegative().finite();

export const FaultSpecSchema = z
  .object({
    /** Answer with this HTTP status and the API's own error body. */
    status: z.number().int().min(400).max(599).optional(),
    /** Seconds for `Retry-After` (and `retry-after-ms`) on a status answer. */
    retryAfterS: z.number().nonnegative().finite().optional(),
    /** Destroy the socket before any response. */
    refuse: z.literal(true).optional(),
    /** Accept and never answer, until the client goes away. */
    stall: z.literal(true).optional(),
    /** Wait this long before answering at all. */
    stallMs: durationMs.optional(),
    /** Send this many content chunks, then destroy the socket (no `[DONE]`). */
    disconnectAfter: count.optional(),
    /** Send this many content chunks, then one unparseable `data:` line, then carry on. */
    malformedAfter: count.optional(),
    /** Leave usage out of the JSON body and the stream. */
    missingUsage: z.literal(true).optional(),
    /** Override the profile's time to first token. */
    ttftMs: durationMs.optional(),
    /** Override the profile's per-token delay. */
    tokenMs: durationMs.optional(),
    /** Override the profile's answer length. */
    outputTokens: z.number().int().min(1).max(100_000).optional(),
    /** Answer 400 `context_length_exceeded` whatever the prompt. */
    contextLengthExceeded: z.literal(true).optional(),
  })
  .strict();
export type FaultSpec = z.output<typeof FaultSpecSchema>;

type FaultKey = keyof FaultSpec;

/** Wire name ↔ field, in the canonical order `formatFaultSpec` writes. */
const KEYS: ReadonlyArray<readonly [wire: string, field: FaultKey, kind: 'flag' | 'number']> = [
  ['status', 'status', 'number'],
  ['retry-after', 'retryAfterS', 'number'],
  ['refuse', 'refuse', 'flag'],
  ['stall', 'stall', 'flag'],
  ['stall-ms', 'stallMs', 'number'],
  ['disconnect-after', 'disconnectAfter', 'number'],
  ['malformed-after', 'malformedAfter', 'number'],
  ['missing-usage', 'missingUsage', 'flag'],
  ['ttft-ms', 'ttftMs', 'number'],
  ['token-ms', 'tokenMs', 'number'],
  ['output-tokens', 'outputTokens', 'number'],
  ['context-length-exceeded', 'contextLengthExceeded', 'flag'],
];
const BY_WIRE = new Map(KEYS.map((entry) => [entry[0], entry] as const));

export type FaultSpecResult = { ok: true; spec: FaultSpec } | { ok: false; error: string };

/** Parses `key[=value];…`. An empty string is "no fault" (`{}`). */
export function parseFaultSpec(text: string): FaultSpecResult {
  const draft: Record<string, unknown> = {};
  for (const rawPart of text.split(';')) {
    const part = rawPart.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    const wire = (eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase();
    const entry = BY_WIRE.get(wire);
    if (!entry) return { ok: false, error: `unknown fault "${wire}" (known: ${KEYS.map((k) => k[0]).join(', ')})` };
    const [, field, kind] = entry;
    if (field in draft) return { ok: false, error: `fault "${wire}" given twice` };
    if (kind === 'flag') {
      if (eq !== -1) return { ok: false, error: `fault "${wire}" takes no value` };
      draft[field] = true;
      continue;
    }
    const valueText = eq === -1 ? '' : part.slice(eq + 1).trim();
    const value = valueText === '' ? Number.NaN : Number(valueText);
    if (!Number.isFinite(value)) return { ok: false, error: `fault "${wire}" needs a number, got "${valueText}"` };
    draft[field] = value;
  }
  const parsed = FaultSpecSchema.safeParse(draft);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? '');
    const wire = KEYS.find((k) => k[1] === field)?.[0] ?? field;
    return { ok: false, error: `fault "${wire}": ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, spec: parsed.data };
}

/** Writes a spec in canonical header form. */
export function formatFaultSpec(spec: FaultSpec): string {
  const parts: string[] = [];
  for (const [wire, field, kind] of KEYS) {
    const value = spec[field];
    if (value === undefined) continue;
    parts.push(kind === 'flag' ? wire : `${wire}=${String(value)}`);
  }
  return parts.join(';');
}

/** Names counted in stats for a spec: `status=503`, `refuse`, `disconnect-after`, … */
export function faultKinds(spec: FaultSpec): string[] {
  const kinds: string[] = [];
  for (const [wire, field] of KEYS) {
    if (spec[field] === undefined || field === 'retryAfterS') continue;
    kinds.push(field === 'status' ? `status=${String(spec.status)}` : wire);
  }
  return kinds;
}

/** True when the spec asks for nothing. */
export function isEmptyFaultSpec(spec: FaultSpec): boolean {
  return KEYS.every(([, field]) => spec[field] === undefined);
}
