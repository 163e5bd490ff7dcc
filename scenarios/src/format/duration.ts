import { z } from 'zod';

/**
 * Durations as people write them in scenario files: `250ms`, `30s`, `1.5m`, `2h`. A bare
 * number means milliseconds. Pure; parsed to milliseconds at load.
 */

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/;

/** Milliseconds of `text`, or undefined when it is not a duration. */
export function parseDurationMs(text: string): number | undefined {
  const m = PATTERN.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * (UNIT_MS[m[2]] ?? 1);
}

/** `1500` → `1.5s`; for reports and generated files. */
export function formatDurationMs(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1_000 && ms % 100 === 0) return `${ms / 1_000}s`;
  return `${Math.round(ms)}ms`;
}

/** A duration field: `"30s"` or a number of milliseconds; output is milliseconds. */
export const DurationSchema = z
  .union([z.number().nonnegative().finite(), z.string().regex(PATTERN, 'a duration like "250ms", "30s", "2m" or "1h"')])
  .transform((v) => (typeof v === 'number' ? v : (parseDurationMs(v) ?? 0)))
  .meta({ description: 'A duration: "250ms", "30s", "2m", "1h", or a number of milliseconds.' });
export type DurationInput = z.input<typeof DurationSchema>;

/** A duration written as text only (`"2s"`); output is milliseconds. */
export const DurationTextSchema = z
  .string()
  .regex(PATTERN, 'a duration like "250ms", "30s", "2m" or "1h"')
  .transform((v) => parseDurationMs(v) ?? 0);

/** A share: `0.01` or `"1%"`; output is a fraction. */
export const FractionSchema = z
  .union([z.number().min(0).max(1), z.string().regex(/^\s*\d+(\.\d+)?\s*%\s*$/, 'a fraction (0.01) or a percentage ("1%")')])
  .transform((v) => (typeof v === 'number' ? v : Number(v.replace('%', '').trim()) / 100))
  .refine((v) => v >= 0 && v <= 1, 'must be between 0 and 100%');
