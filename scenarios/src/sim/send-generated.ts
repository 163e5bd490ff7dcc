import type { FaultSpec } from './fault-spec.js';
import type { Frame } from './frame.js';
import { baseHeaders, sendOk, type RequestScope } from './request-scope.js';
import { pauseMs, streamFaultsOf, writeFrames } from './stream-writer.js';

/**
 * Sends a generated answer as JSON or SSE, on the planned schedule, with the stream faults
 * (`disconnect-after`, `malformed-after`) applied. A JSON answer waits the whole generation
 * time (TTFT plus every token delay) before it is written, like the real APIs.
 */

export interface GeneratedAnswer {
  readonly stream: boolean;
  /** Per-step delays, or undefined for an answer without any wait. */
  readonly delays: readonly number[] | undefined;
  /** The API's unparseable SSE frame for `malformed-after`. */
  readonly malformedFrame: string;
  json(): unknown;
  /** The SSE frames, given `delays`. */
  frames(delays: readonly number[] | undefined): Frame[];
}

const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
};

async function sendJsonAnswer(scope: RequestScope, fault: FaultSpec | undefined, answer: GeneratedAnswer): Promise<void> {
  if (answer.delays) {
    let totalMs = 0;
    for (const delay of answer.delays) totalMs += delay;
    if (!(await pauseMs(totalMs, scope.signal))) return;
  }
  if (fault?.malformedAfter !== undefined) {
    // A JSON answer has no chunks: "malformed" is a body that does not parse.
    scope.res.writeHead(200, { ...baseHeaders(scope), 'content-type': 'application/json' });
    scope.res.end('{not json');
    return;
  }
  if (fault?.disconnectAfter !== undefined) {
    // Promise the whole body, send half of it, cut the socket.
    const json = JSON.stringify(answer.json());
    const bytes = Buffer.from(json);
    scope.res.writeHead(200, { ...baseHeaders(scope), 'content-type': 'application/json', 'content-length': bytes.length });
    scope.res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => {
      scope.cutByServer = true;
      scope.res.destroy();
    });
    return;
  }
  sendOk(scope, answer.json());
}

/** Writes the answer; resolves when it is sent, cut, or the client has gone. */
export async function sendGenerated(scope: RequestScope, fault: FaultSpec | undefined, answer: GeneratedAnswer): Promise<void> {
  if (!answer.stream) return sendJsonAnswer(scope, fault, answer);
  scope.res.writeHead(200, { ...baseHeaders(scope), ...SSE_HEADERS });
  // With waits ahead, let the client see the status line now (as the real APIs do).
  if (answer.delays) scope.res.flushHeaders();
  const markCut = (): void => {
    scope.cutByServer = true;
  };
  await writeFrames(scope.res, answer.frames(answer.delays), streamFaultsOf(fault, answer.malformedFrame, markCut), scope.signal);
}
