/**
 * Anthropic `stop_reason` → OpenAI `finish_reason`, the mapping both Anthropic adapters share.
 * `pause_turn` (a server tool paused a long turn) has no OpenAI counterpart: the turn did end,
 * so `stop`. `model_context_window_exceeded` is a length cut like `max_tokens`.
 */
const FINISH_REASONS = new Map<string, string>([
  ['end_turn', 'stop'],
  ['stop_sequence', 'stop'],
  ['pause_turn', 'stop'],
  ['max_tokens', 'length'],
  ['model_context_window_exceeded', 'length'],
  ['tool_use', 'tool_calls'],
  ['refusal', 'content_filter'],
]);

/** A reason added to the API later reads as `stop`: the answer did end, and OpenAI clients know no other word for it. */
export function finishReasonOf(stopReason: unknown): string {
  return (typeof stopReason === 'string' ? FINISH_REASONS.get(stopReason) : undefined) ?? 'stop';
}
