import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FaultSpec } from './fault-spec.js';
import type { Frame } from './frame.js';

/**
 * Writes frames to a response on schedule, and places the stream faults. Consecutive frames
 * without a delay go out in one write (a `sim-fast` answer is a single write). Every wait
 * is cancelled by the request's abort signal, so a client that leaves stops generation at
 * once and leaves no timer behind.
 */

let pendingTimers = 0;

/** Timers the simulator holds right now, across servers (tests check none is left behind). */
export function pendingTimerCount(): number {
  return pendingTimers;
}

/** Resolves true after `ms`, or false as soon as `signal` aborts (clearing the timer). */
export function pauseMs(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      pendingTimers -= 1;
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      pendingTimers -= 1;
      resolve(true);
    }, ms);
    pendingTimers += 1;
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Resolves when `signal` aborts: the `stall` fault. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** Writes `chunk` and waits until it is handed to the socket (or the response closes). */
function writeFlushed(res: ServerResponse, chunk: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || chunk === '') return resolve();
    const onAbort = (): void => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    res.write(chunk, () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

/** Writes with backpressure: waits for `drain` when the socket buffer is full. */
async function writeChunk(res: ServerResponse, chunk: string, signal: AbortSignal): Promise<void> {
  if (chunk === '' || res.write(chunk)) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.once('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

export interface StreamFaults {
  readonly disconnectAfter: number | undefined;
  readonly malformedAfter: number | undefined;
  /** The API's own unparseable frame. */
  readonly malformedFrame: string;
  /** Called just before the fault cuts the socket (so the close is not taken for the client's). */
  readonly onDisconnect: () => void;
}

export function streamFaultsOf(fault: FaultSpec | undefined, malformedFrame: string, onDisconnect: () => void): StreamFaults {
  return { disconnectAfter: fault?.disconnectAfter, malformedAfter: fault?.malformedAfter, malformedFrame, onDisconnect };
}

/**
 * Streams `frames` into `res` (headers already set). Returns 'complete', 'aborted' (the
 * client left or the server closed) or 'disconnected' (the fault cut the socket).
 */
export async function writeFrames(
  res: ServerResponse,
  frames: readonly Frame[],
  faults: StreamFaults,
  signal: AbortSignal,
): Promise<'complete' | 'aborted' | 'disconnected'> {
  let dueAtMs = performance.now();
  let pending = '';
  let contentSent = 0;
  let malformedSent = false;
  for (const frame of frames) {
    if (frame.delayMs > 0) {
      await writeChunk(res, pending, signal);
      pending = '';
      // Scheduled against the stream's own clock so timer lateness does not accumulate.
      dueAtMs += frame.delayMs;
      if (!(await pauseMs(dueAtMs - performance.now(), signal))) return 'aborted';
    }
    if (frame.kind !== 'head') {
      if (faults.malformedAfter !== undefined && !malformedSent && contentSent >= faults.malformedAfter) {
        pending += faults.malformedFrame;
        malformedSent = true;
      }
      if (faults.disconnectAfter !== undefined && contentSent >= faults.disconnectAfter) {
        await writeFlushed(res, pending, signal);
        faults.onDisconnect();
        res.destroy();
        return 'disconnected';
      }
    }
    pending += frame.data;
    if (frame.kind === 'content') contentSent += 1;
  }
  if (signal.aborted) return 'aborted';
  res.end(pending);
  return 'complete';
}
