/** One problem in a scenario file: where (`agents.0.steps.2.llm.model`, line) and what. */
export interface ScenarioIssue {
  path: string;
  message: string;
  /** 1-based line in the YAML file, when known. */
  line?: number;
}

export type ScenarioErrorCode =
  | 'SCN_FILE_UNREADABLE'
  | 'SCN_YAML_SYNTAX'
  | 'SCN_INVALID'
  | 'SCN_GATEWAY_CONFIG_INVALID'
  | 'SCN_UPSTREAM_START_FAILED'
  | 'SCN_GATEWAY_UNREACHABLE'
  | 'SCN_REPORT_INVALID'
  | 'SCN_RECORD_EMPTY'
  | 'SCN_BAD_ARGUMENT';

/** A scenario that cannot be loaded or run; `issues` lists every problem found. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  constructor(
    readonly code: ScenarioErrorCode,
    message: string,
    readonly issues: readonly ScenarioIssue[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `  agents.0.steps.1 (line 12): message` per issue, for terminals. */
export function formatScenarioIssues(issues: readonly ScenarioIssue[]): string {
  return issues.map((i) => `  ${i.path}${i.line !== undefined ? ` (line ${i.line})` : ''}: ${i.message}`).join('\n');
}
