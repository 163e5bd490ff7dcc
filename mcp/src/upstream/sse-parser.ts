/** One Server-Sent Event. */
export interface SseEvent {
  event: string;
  data: string;
  id: string | undefined;
}

/**
 * Incremental SSE parser (WHATWG event-stream rules, the subset MCP uses): feed text chunks
 * split anywhere; complete events come out. `retry` values are reported separately.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private id: string | undefined;
  /** The last `id:` seen (the stream's resumption cursor). */
  lastEventId: string | undefined;
  retryMs: number | undefined;

  constructor(private readonly maxBufferBytes = 64 * 1024 * 1024) {}

  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    if (this.buffer.length > this.maxBufferBytes) throw new Error(`SSE event larger than ${this.maxBufferBytes} bytes`);
    const out: SseEvent[] = [];
    let start = 0;
    for (;;) {
      const nl = this.buffer.indexOf('\n', start);
      if (nl === -1) break;
      let line = this.buffer.slice(start, nl);
      start = nl + 1;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line === '') {
        if (this.data.length > 0 || this.id !== undefined) out.push({ event: this.event || 'message', data: this.data.join('\n'), id: this.id });
        this.data = [];
        this.event = '';
        this.id = undefined;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') this.data.push(value);
      else if (field === 'event') this.event = value;
      else if (field === 'id') { this.id = value; this.lastEventId = value; }
      else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }
}
