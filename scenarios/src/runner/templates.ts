import type { Rng } from '../sim/random.js';
import type { Vars } from '../format/step-schema.js';

/**
 * `{{name}}` placeholders in prompts and tool arguments. A variable holding a list picks one
 * value per run (or per step for step vars) from the run's seeded RNG, so a seed replays
 * the same prompts. Unknown names stay as written: a typo shows in the prompt, not as a crash.
 */

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}/g;

/** Picks one value of every list-valued variable. */
export function pickVars(vars: Vars | undefined, rng: Rng): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(vars ?? {})) {
    out[name] = Array.isArray(value) ? String(value[Math.floor(rng() * value.length)] ?? '') : String(value);
  }
  return out;
}

export function fillTemplate(text: string, vars: Readonly<Record<string, string>>): string {
  if (!text.includes('{{')) return text;
  return text.replace(PLACEHOLDER, (whole, name: string) => vars[name] ?? whole);
}

/** Fills string leaves of a JSON value (tool arguments). */
export function fillDeep(value: unknown, vars: Readonly<Record<string, string>>): unknown {
  if (typeof value === 'string') return fillTemplate(value, vars);
  if (Array.isArray(value)) return value.map((v) => fillDeep(v, vars));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillDeep(v, vars)]));
  }
  return value;
}
