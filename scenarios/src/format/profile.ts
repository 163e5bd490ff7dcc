import type { Scenario } from '../schema.js';
import { ScenarioError } from './scenario-error.js';

/**
 * `--profile NAME`: the scenario with the profile's load and expectations in place of its
 * own, and the profile's default speed. Pure.
 */
export function applyProfile(s: Scenario, name: string | undefined): { scenario: Scenario; speed?: number } {
  if (name === undefined) return { scenario: s };
  const p = s.profiles[name];
  if (!p) {
    const known = Object.keys(s.profiles);
    throw new ScenarioError('SCN_BAD_ARGUMENT', `scenario ${s.name} has no profile "${name}"${known.length > 0 ? ` (known: ${known.join(', ')})` : ' (it declares none)'}`);
  }
  return {
    scenario: { ...s, ...(p.load ? { load: p.load } : {}), ...(p.expectations ? { expectations: p.expectations } : {}) },
    ...(p.speed !== undefined ? { speed: p.speed } : {}),
  };
}
