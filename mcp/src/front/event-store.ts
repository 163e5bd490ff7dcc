import type { EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/**
 * Per-session SSE event memory for resumption (`Last-Event-ID`), bounded: the oldest events
 * are dropped (and counted) once `capacity` is reached.
 */
export class BoundedEventStore implements EventStore {
  private readonly events: Array<{ id: string; streamId: string; message: JSONRPCMessage }> = [];
  private seq = 0;
  dropped = 0;

  constructor(private readonly capacity: number) {}

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    const id = `${streamId}.${++this.seq}`;
    if (this.capacity === 0) return id;
    this.events.push({ id, streamId, message });
    if (this.events.length > this.capacity) {
      this.events.shift();
      this.dropped += 1;
    }
    return id;
  }

  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    const dot = eventId.lastIndexOf('.');
    return dot > 0 ? eventId.slice(0, dot) : undefined;
  }

  async replayEventsAfter(lastEventId: string, { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> }): Promise<string> {
    const streamId = (await this.getStreamIdForEventId(lastEventId)) ?? '';
    const from = this.events.findIndex((e) => e.id === lastEventId);
    for (const e of this.events.slice(from + 1)) {
      // Priming events carry no message (`{}`), nothing to replay.
      if (e.streamId === streamId && Object.keys(e.message).length > 0) await send(e.id, e.message);
    }
    return streamId;
  }
}
