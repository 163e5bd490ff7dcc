const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
/** Ten years: anything longer is almost certainly a typo. */
const MAX_DURATION_MS = 10 * 365 * UNIT_MS.d;

/**
 * Parses a short duration such as `30d`, `12h`, `90m`, `45s` or `2w` into milliseconds.
 * Returns `undefined` for anything else (no fractions, no compound forms, no zero).
 */
export function parseDurationMs(text: string): number | undefined {
  const m = /^(\d{1,6})([smhdw])$/.exec(text.trim());
  if (m === null) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  return ms > 0 && ms <= MAX_DURATION_MS ? ms : undefined;
}
