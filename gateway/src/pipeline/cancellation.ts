import { EventEmitter } from 'node:events';

/**
 * Cancellation of a request or of one upstream attempt: a flag, a reason, and `abort`
 * listeners. An EventEmitter, not an AbortController: on Node 20 an AbortController and its
 * EventTarget listeners cost several microseconds per request, and the hot path needs none
 * of their features (undici accepts an EventEmitter as a request's `signal`). Code that
 * does need an `AbortSignal` asks for `signal`, created on first use.
 */
export class Cancellation extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;
  #controller: AbortController | undefined;

  constructor() {
    super();
    // Listeners are per attempt and removed as attempts end; hedging adds a few at most.
    this.setMaxListeners(0);
  }

  /** Cancels (once): sets `aborted` and `reason`, then tells the listeners. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.#controller?.abort(reason);
    this.emit('abort');
  }

  /** Calls `fn` once when cancelled (at once if already); returns the unlink. */
  onAbort(fn: () => void): () => void {
    if (this.aborted) {
      fn();
      return noop;
    }
    this.once('abort', fn);
    return () => this.removeListener('abort', fn);
  }

  /** An AbortSignal that follows this cancellation (for fetch-style APIs), made on first use. */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.aborted) this.#controller.abort(this.reason);
    }
    return this.#controller.signal;
  }

  /** A cancellation that follows `signal` (contexts built around an AbortSignal: health checks, tests). */
  static following(signal: AbortSignal): Cancellation {
    const c = new Cancellation();
    if (signal.aborted) c.abort(signal.reason);
    else signal.addEventListener('abort', () => c.abort(signal.reason), { once: true });
    return c;
  }
}

const noop = (): void => {};
