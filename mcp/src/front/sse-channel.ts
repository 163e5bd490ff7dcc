import type { ServerResponse } from 'node:http';
import { armSseKeepAlive } from '@modelcontextprotocol/sdk/server/sseKeepAlive.js';

/** The headers of every SSE answer of the Streamable HTTP front (as the SDK's transport sends them). */
export function sseHeaders(sessionId: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  };
  if (sessionId !== undefined) headers['mcp-session-id'] = sessionId;
  return headers;
}

/**
 * One SSE answer on a Node `ServerResponse`. Nothing goes out before `commit()` (until then
 * the answer can still turn into a JSON error). Like `@hono/node-server` under the SDK's
 * transport, a committed answer waits one timer tick for more events, so a quick answer
 * leaves in one write (with a Content-Length when it is already complete); after that,
 * events go out as they are written. `write` says whether the stream is still open; `end`
 * finishes it. If the client goes away first, `onGone` runs once, at the earliest on commit
 * (the transport then forgets the stream).
 */
export class SseChannel {
  /** Event ids a resumption already delivered (a concurrent send must not repeat them). */
  replayedEventIds: Set<string> | undefined;
  onGone: (() => void) | undefined;
  private held = '';
  private phase: 'open' | 'committed' | 'flowing' = 'open';
  private ended = false;
  private lost = false;
  private keepAlive: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(private readonly res: ServerResponse, private readonly headers: Record<string, string>) {
    if (res.destroyed) this.lost = true;
    else res.on('close', () => this.gone());
  }

  write(text: string): boolean {
    if (this.ended) return false;
    if (this.phase === 'open') {
      this.held += text;
      return true;
    }
    if (this.lost) return false;
    if (this.phase === 'committed') this.held += text;
    else this.res.write(text);
    return true;
  }

  /** The answer is this stream: its headers and events go out within a timer tick. */
  commit(): void {
    if (this.phase !== 'open') return;
    this.phase = 'committed';
    if (this.lost) {
      // Gone before the answer started: forgotten now, as the SDK's transport does once
      // its web stream is cancelled.
      if (!this.ended) this.onGone?.();
      return;
    }
    if (this.ended) this.flush();
    else this.flushTimer = setTimeout(() => this.flush(), 0);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.stopKeepAlive();
    if (this.lost) return;
    if (this.phase === 'flowing') this.res.end();
    else if (this.phase === 'committed') this.flush();
  }

  /** Comment frames every `intervalMs` so idle proxies keep the stream open. */
  armKeepAlive(intervalMs: number): void {
    if (this.ended || this.lost) return;
    this.keepAlive = armSseKeepAlive(intervalMs, () => {
      if (!this.write(': keepalive\n\n')) this.stopKeepAlive();
    });
  }

  private flush(): void {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.phase = 'flowing';
    const held = this.held;
    this.held = '';
    if (this.ended) {
      this.res.writeHead(200, { ...this.headers, 'content-length': String(Buffer.byteLength(held)) }).end(held);
      return;
    }
    this.res.writeHead(200, this.headers);
    if (held !== '') this.res.write(held);
    else this.res.flushHeaders();
  }

  private stopKeepAlive(): void {
    if (this.keepAlive !== undefined) clearInterval(this.keepAlive);
    this.keepAlive = undefined;
  }

  private gone(): void {
    if (this.ended || this.lost) return;
    this.lost = true;
    this.stopKeepAlive();
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.phase !== 'open') this.onGone?.();
  }
}

/** One SSE `message` event carrying a JSON-RPC message (with its id when resumable). */
export function sseMessageEvent(message: unknown, eventId: string | undefined): string {
  return eventId ? `event: message\nid: ${eventId}\ndata: ${JSON.stringify(message)}\n\n` : `event: message\ndata: ${JSON.stringify(message)}\n\n`;
}
