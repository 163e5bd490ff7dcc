import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import WebSocket from 'ws';
import { jsonRpcErrorBody } from './errors.js';
import { parseMessage } from './jsonrpc-kind.js';

/** The WebSocket subprotocol MCP peers agree on. */
export const MCP_WS_SUBPROTOCOL = 'mcp';

/**
 * An MCP transport over one `ws` WebSocket: one JSON-RPC message per text frame. Works at
 * both ends (agent-facing server and upstream client). A malformed frame is answered with
 * -32700 / -32600 and the connection stays open.
 */
export class WebSocketTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: { requestInfo?: { headers: Record<string, string | string[] | undefined> } }) => void;
  sessionId?: string;
  private closed = false;
  /** Frames that arrived before `start()` (the session is still being set up). */
  private pending: Array<[WebSocket.RawData, boolean]> | undefined = [];

  constructor(
    private readonly socket: WebSocket,
    private readonly opts: { maxMessageBytes?: number; headers?: Record<string, string | string[] | undefined>; sessionId?: string } = {},
  ) {
    this.sessionId = opts.sessionId;
    socket.on('message', (data, isBinary) => {
      if (this.pending) this.pending.push([data, isBinary]);
      else this.receive(data, isBinary);
    });
    socket.on('close', () => this.finish());
    socket.on('error', (err) => this.onerror?.(err));
  }

  async start(): Promise<void> {
    const queued = this.pending ?? [];
    this.pending = undefined;
    for (const [data, isBinary] of queued) this.receive(data, isBinary);
    if (this.socket.readyState === WebSocket.CONNECTING) {
      await new Promise<void>((resolve, reject) => {
        this.socket.once('open', () => resolve());
        this.socket.once('error', reject);
      });
    }
  }

  private receive(data: WebSocket.RawData, isBinary: boolean): void {
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    if (isBinary || (this.opts.maxMessageBytes !== undefined && text.length > this.opts.maxMessageBytes)) {
      this.socket.send(jsonRpcErrorBody(-32600, isBinary ? 'Invalid Request: binary frames are not MCP messages' : 'Invalid Request: message too large'));
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      this.socket.send(jsonRpcErrorBody(-32700, 'Parse error'));
      return;
    }
    const message = parseMessage(raw);
    if (message === undefined) {
      const id = (raw as { id?: unknown } | null)?.id;
      this.socket.send(jsonRpcErrorBody(-32600, 'Invalid Request', typeof id === 'string' || typeof id === 'number' ? id : null));
      return;
    }
    this.onmessage?.(message, this.opts.headers ? { requestInfo: { headers: this.opts.headers } } : undefined);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.socket.readyState !== WebSocket.OPEN) throw new Error('WebSocket is not open');
    await new Promise<void>((resolve, reject) => this.socket.send(JSON.stringify(message), (err) => (err ? reject(err) : resolve())));
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close(1000);
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }
}
