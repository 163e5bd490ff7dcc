/** Restart policy of a crashed or unreachable upstream (from config). */
export interface RestartPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
  maxAttempts: number;
}

/**
 * Delay before restart attempt `attempt` (1-based): exponential, capped, with jitter in
 * [50%, 100%] so many gateways restarting the same server do not stampede it.
 */
export function restartDelayMs(attempt: number, policy: RestartPolicy, random: () => number): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** Math.max(0, attempt - 1));
  return Math.max(1, Math.round(base * (0.5 + random() * 0.5)));
}

/** True when the policy allows another attempt after `failures` consecutive failures. */
export const mayRetry = (failures: number, policy: RestartPolicy): boolean =>
  policy.maxAttempts === 0 || failures < policy.maxAttempts;
