/**
 * Errors the simulator throws at its API boundary (bad options, bad fault plan). Stable codes;
 * `issues` lists every problem with its path.
 */
export type SimErrorCode = 'SIM_INVALID_OPTIONS' | 'SIM_INVALID_FAULT_PLAN' | 'SIM_NOT_LISTENING';

export class SimError extends Error {
  override readonly name = 'SimError';
  constructor(
    readonly code: SimErrorCode,
    message: string,
    readonly issues: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `path: message` for each zod issue. */
export function formatIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string[] {
  return issues.map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`);
}
