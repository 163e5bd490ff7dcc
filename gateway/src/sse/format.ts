/** SSE framing for what the gateway sends: one `data:` line per JSON payload. */
export const sseData = (json: string): string => `data: ${json}\n\n`;

/** OpenAI's stream terminator. */
export const SSE_DONE = 'data: [DONE]\n\n';

/** Headers of an SSE response. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};
