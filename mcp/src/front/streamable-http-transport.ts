import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_BATCH_SIZE } from '@modelcontextprotocol/sdk/server/requestBody.js';
import type { EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { DEFAULT_SSE_KEEP_ALIVE_MS } from '@modelcontextprotocol/sdk/server/sseKeepAlive.js';
import { isJsonContentType } from '@modelcontextprotocol/sdk/shared/mediaType.js';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import { DEFAULT_NEGOTIATED_PROTOCOL_VERSION, isInitializeRequest, JSONRPCMessageSchema, SUPPORTED_PROTOCOL_VERSIONS, type InitializeRequest, type JSONRPCMessage, type MessageExtraInfo, type RequestId, type RequestInfo } from '@modelcontextprotocol/sdk/types.js';
import { isRequestMessage, isResponseMessage } from '../jsonrpc-kind.js';
import { isValidatedJsonRpc } from './http-io.js';
import { headerRecord, headerValue, requestHref } from './request-view.js';
import { SseChannel, sseHeaders, sseMessageEvent } from './sse-channel.js';

export interface StreamableHttpTransportOptions {
  /** The session id, announced on the initialize answer and required afterwards. */
  sessionId: string;
  /** Makes SSE streams resumable (event ids, `Last-Event-ID` replay). */
  eventStore?: EventStore;
  /** The `retry:` hint of priming events. */
  retryIntervalMs?: number;
  keepAliveMs?: number;
  /** Called on DELETE, before the transport closes. */
  onsessionclosed?: (sessionId: string) => void | Promise<void>;
}

/** The stream id of the standalone GET stream (as the SDK names it: event ids embed it). */
const STANDALONE = '_GET_stream';
/** The first protocol version whose clients accept priming events (empty `data:`). */
const PRIMING_SINCE = '2025-11-25';

type Answer = { status: number; body?: string; headers?: Record<string, string> };

function jsonError(status: number, code: number, message: string, data?: unknown): Answer {
  const error: { code: number; message: string; data?: unknown } = { code, message };
  if (data !== undefined) error.data = data;
  return { status, body: JSON.stringify({ jsonrpc: '2.0', error, id: null }), headers: { 'content-type': 'application/json' } };
}

function sendAnswer(res: ServerResponse, a: Answer): void {
  if (a.body === undefined) {
    res.writeHead(a.status, a.headers).end();
    return;
  }
  res.writeHead(a.status, { ...a.headers, 'content-length': String(Buffer.byteLength(a.body)) }).end(a.body);
}

const SESSION_NOT_FOUND = () => jsonError(404, -32001, 'Session not found');

/**
 * MCP Streamable HTTP, server side, on Node's `IncomingMessage`/`ServerResponse`. The SDK's
 * `StreamableHTTPServerTransport` converts every request to a web `Request` and every answer
 * back from a web `ReadableStream` (through `@hono/node-server`), which costs about as much
 * as the rest of a tool call. This one writes SSE straight to the response and otherwise
 * behaves as the SDK's transport (1.32, stateful, SSE answers) does: the same checks in the
 * same order, statuses and JSON-RPC error bodies; an SSE stream per POST with requests,
 * closed after its last response; 202 for notifications and responses; one standalone GET
 * stream; DELETE; priming events, `Last-Event-ID` replay and `closeSSEStream` with an event
 * store.
 */
export class StreamableHttpTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;
  sessionId?: string;
  private started = false;
  private initialized = false;
  private closed = false;
  private readonly streams = new Map<string, SseChannel>();
  private readonly requestToStream = new Map<RequestId, string>();
  private readonly responses = new Map<RequestId, JSONRPCMessage>();
  /** Streams whose client holds a Last-Event-ID cursor (a stored response can be replayed). */
  private readonly resumable = new Set<string>();
  private readonly keepAliveMs: number;

  constructor(private readonly opts: StreamableHttpTransportOptions) {
    this.keepAliveMs = opts.keepAliveMs ?? DEFAULT_SSE_KEEP_ALIVE_MS;
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('Transport already started');
    this.started = true;
  }

  /**
   * Answers one HTTP request of this session. `body` is the parsed POST body (the front has
   * read it within its limits); `parseJsonRpc` results are not validated again.
   */
  async handleRequest(req: IncomingMessage, res: ServerResponse, body?: unknown): Promise<void> {
    let href: string;
    try {
      href = requestHref(req);
    } catch {
      sendAnswer(res, { status: 400 });
      return;
    }
    let answer: Answer | undefined;
    try {
      if (this.closed) answer = SESSION_NOT_FOUND();
      else if (req.method === 'POST') answer = await this.handlePost(req, res, href, body);
      else if (req.method === 'GET') answer = await this.handleGet(req, res);
      else if (req.method === 'DELETE') answer = await this.handleDelete(req);
      else {
        this.onerror?.(new Error('Method not allowed.'));
        answer = { ...jsonError(405, -32000, 'Method not allowed.'), headers: { allow: 'GET, POST, DELETE', 'content-type': 'application/json' } };
      }
    } catch {
      answer = { status: 500 };
    }
    if (answer !== undefined && !res.headersSent) sendAnswer(res, answer);
  }

  private fail(status: number, code: number, message: string, data?: unknown): Answer {
    this.onerror?.(new Error(message));
    return jsonError(status, code, message, data);
  }

  private validateSession(req: IncomingMessage): Answer | undefined {
    if (!this.initialized) return this.fail(400, -32000, 'Bad Request: Server not initialized');
    const sessionId = headerValue(req, 'mcp-session-id');
    if (!sessionId) return this.fail(400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    if (sessionId !== this.sessionId) return this.fail(404, -32001, 'Session not found');
    return undefined;
  }

  private validateProtocolVersion(req: IncomingMessage): Answer | undefined {
    const version = headerValue(req, 'mcp-protocol-version');
    if (version !== null && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      return this.fail(400, -32000, `Bad Request: Unsupported protocol version: ${version} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`);
    }
    return undefined;
  }

  private async handlePost(req: IncomingMessage, res: ServerResponse, href: string, body: unknown): Promise<Answer | undefined> {
    try {
      const accept = headerValue(req, 'accept');
      if (!accept?.includes('application/json') || !accept.includes('text/event-stream')) {
        return this.fail(406, -32000, 'Not Acceptable: Client must accept both application/json and text/event-stream');
      }
      if (!isJsonContentType(headerValue(req, 'content-type') ?? undefined)) {
        return this.fail(415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
      }
      let url: URL | undefined;
      const requestInfo: RequestInfo = { headers: headerRecord(req), get url() { return (url ??= new URL(href)); } };
      // What the SDK's transport reads from an already consumed body.
      if (body === undefined) return this.fail(400, -32700, 'Parse error: Invalid JSON');
      if (Array.isArray(body) && body.length > MAX_BATCH_SIZE) {
        return this.fail(400, -32600, `Invalid Request: Batch must not exceed ${MAX_BATCH_SIZE} messages`);
      }
      let messages: JSONRPCMessage[];
      if (isValidatedJsonRpc(body)) messages = Array.isArray(body) ? body : [body];
      else {
        try {
          messages = (Array.isArray(body) ? body : [body]).map((m) => JSONRPCMessageSchema.parse(m));
        } catch {
          return this.fail(400, -32700, 'Parse error: Invalid JSON-RPC message');
        }
      }
      if (this.closed) return SESSION_NOT_FOUND();
      const initRequest = messages.find((m) => (m as { method?: unknown }).method === 'initialize' && isInitializeRequest(m));
      if (initRequest) {
        if (this.initialized && this.sessionId !== undefined) return this.fail(400, -32600, 'Invalid Request: Server already initialized');
        if (messages.length > 1) return this.fail(400, -32600, 'Invalid Request: Only one initialization request is allowed');
        this.sessionId = this.opts.sessionId;
        this.initialized = true;
      } else {
        const refused = this.validateSession(req) ?? this.validateProtocolVersion(req);
        if (refused) return refused;
      }
      const authInfo = (req as IncomingMessage & { auth?: MessageExtraInfo['authInfo'] }).auth;
      const isRequest = messages.map(isRequestMessage);
      if (!isRequest.includes(true)) {
        for (const message of messages) this.onmessage?.(message, { authInfo, requestInfo });
        return { status: 202 };
      }
      const streamId = randomUUID();
      const clientVersion = initRequest ? (initRequest as unknown as InitializeRequest).params.protocolVersion : (headerValue(req, 'mcp-protocol-version') ?? DEFAULT_NEGOTIATED_PROTOCOL_VERSION);
      const channel = new SseChannel(res, sseHeaders(this.sessionId));
      messages.forEach((m, i) => {
        if (!isRequest[i]) return;
        this.register(streamId, channel);
        this.requestToStream.set((m as { id: RequestId }).id, streamId);
      });
      try {
        await this.writePrimingEvent(channel, streamId, clientVersion);
        const resumable = this.opts.eventStore !== undefined && clientVersion >= PRIMING_SINCE;
        messages.forEach((message, i) => {
          let closeSSEStream: (() => void) | undefined;
          let closeStandaloneSSEStream: (() => void) | undefined;
          if (isRequest[i] && resumable) {
            closeSSEStream = () => this.closeSSEStream((message as { id: RequestId }).id);
            closeStandaloneSSEStream = () => this.closeStandaloneSSEStream();
          }
          this.onmessage?.(message, { authInfo, requestInfo, closeSSEStream, closeStandaloneSSEStream });
        });
      } catch (error) {
        this.streams.get(streamId)?.end();
        this.streams.delete(streamId);
        this.resumable.delete(streamId);
        messages.forEach((m, i) => { if (isRequest[i]) this.requestToStream.delete((m as { id: RequestId }).id); });
        throw error;
      }
      if (this.streams.get(streamId) === channel && !this.closed) channel.armKeepAlive(this.keepAliveMs);
      channel.commit();
      return undefined;
    } catch (error) {
      this.onerror?.(error as Error);
      return jsonError(400, -32700, 'Parse error', String(error));
    }
  }

  private async handleGet(req: IncomingMessage, res: ServerResponse): Promise<Answer | undefined> {
    if (!headerValue(req, 'accept')?.includes('text/event-stream')) {
      return this.fail(406, -32000, 'Not Acceptable: Client must accept text/event-stream');
    }
    const refused = this.validateSession(req) ?? this.validateProtocolVersion(req);
    if (refused) return refused;
    if (this.opts.eventStore) {
      const lastEventId = headerValue(req, 'last-event-id');
      if (lastEventId) return this.replayEvents(this.opts.eventStore, lastEventId, res);
    }
    if (this.streams.get(STANDALONE) !== undefined) return this.fail(409, -32000, 'Conflict: Only one SSE stream is allowed per session');
    const channel = new SseChannel(res, sseHeaders(this.sessionId));
    this.register(STANDALONE, channel);
    if (!this.closed) channel.armKeepAlive(this.keepAliveMs);
    channel.commit();
    return undefined;
  }

  /** Resumes a stream after `lastEventId`: the stored events, then what follows live. */
  private async replayEvents(store: EventStore, lastEventId: string, res: ServerResponse): Promise<Answer | undefined> {
    try {
      if (store.getStreamIdForEventId) {
        const streamId = await store.getStreamIdForEventId(lastEventId);
        if (!streamId) return this.fail(400, -32000, 'Invalid event ID format');
        if (this.streams.get(streamId) !== undefined) return this.fail(409, -32000, 'Conflict: Stream already has an active connection');
      }
      const channel = new SseChannel(res, sseHeaders(this.sessionId));
      const replayed = new Set<string>();
      const streamId = await store.replayEventsAfter(lastEventId, {
        send: async (eventId, message) => {
          if (channel.write(sseMessageEvent(message, eventId))) replayed.add(eventId);
          else {
            this.onerror?.(new Error('Failed replay events'));
            channel.end();
          }
        },
      });
      if (this.closed) {
        channel.end();
        return SESSION_NOT_FOUND();
      }
      // A reconnect takes the stream id over: the predecessor ends cleanly.
      this.streams.get(streamId)?.end();
      this.streams.delete(streamId);
      channel.replayedEventIds = replayed;
      this.register(streamId, channel);
      // The resume itself proves the client holds a Last-Event-ID cursor.
      this.resumable.add(streamId);
      channel.armKeepAlive(this.keepAliveMs);
      channel.commit();
      return undefined;
    } catch (error) {
      this.onerror?.(error as Error);
      return jsonError(500, -32000, 'Error replaying events');
    }
  }

  private async handleDelete(req: IncomingMessage): Promise<Answer> {
    const refused = this.validateSession(req) ?? this.validateProtocolVersion(req);
    if (refused) return refused;
    try {
      await this.opts.onsessionclosed?.(this.sessionId as string);
      return { status: 200 };
    } finally {
      await this.close();
    }
  }

  /** Maps a stream id to its channel; the mapping goes when the client does (if still its own). */
  private register(streamId: string, channel: SseChannel): void {
    this.streams.set(streamId, channel);
    channel.onGone = () => {
      if (this.streams.get(streamId) === channel) this.streams.delete(streamId);
    };
  }

  /** Ends a stream (the client may resume it) and forgets it. */
  private endStream(streamId: string): void {
    const channel = this.streams.get(streamId);
    if (!channel) return;
    this.streams.delete(streamId);
    channel.end();
  }

  private async writePrimingEvent(channel: SseChannel, streamId: string, protocolVersion: string): Promise<void> {
    const store = this.opts.eventStore;
    // Older clients cannot handle the empty data of a priming event.
    if (!store || protocolVersion < PRIMING_SINCE) return;
    const eventId = await store.storeEvent(streamId, {} as JSONRPCMessage);
    const retry = this.opts.retryIntervalMs;
    channel.write(retry !== undefined ? `id: ${eventId}\nretry: ${retry}\ndata: \n\n` : `id: ${eventId}\ndata: \n\n`);
    this.resumable.add(streamId);
  }

  /** Closes the SSE stream of a request (the client resumes it with Last-Event-ID). */
  closeSSEStream(requestId: RequestId): void {
    const streamId = this.requestToStream.get(requestId);
    if (streamId) this.endStream(streamId);
  }

  closeStandaloneSSEStream(): void {
    this.endStream(STANDALONE);
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const isResponse = isResponseMessage(message);
    const requestId = isResponse ? (message as { id: RequestId }).id : options?.relatedRequestId;
    const store = this.opts.eventStore;
    if (requestId === undefined) {
      if (isResponse) throw new Error('Cannot send a response on a standalone SSE stream unless resuming a previous client request');
      // Stored even while disconnected, to be replayed on reconnect.
      const eventId = store ? await store.storeEvent(STANDALONE, message) : undefined;
      const standalone = this.streams.get(STANDALONE);
      if (standalone === undefined) return;
      // Unless a replay registered this stream and already delivered the event.
      if (eventId === undefined || !standalone.replayedEventIds?.has(eventId)) standalone.write(sseMessageEvent(message, eventId));
      return;
    }
    const streamId = this.requestToStream.get(requestId);
    if (!streamId) throw new Error(`No connection established for request ID: ${String(requestId)}`);
    let stream = this.streams.get(streamId);
    let eventId: string | undefined;
    if (store) {
      // Stored even while disconnected (e.g. after closeSSEStream); a resume completing in
      // the meantime replaces the stream, so it is looked up again.
      eventId = await store.storeEvent(streamId, message);
      stream = this.streams.get(streamId);
    }
    if (stream && (eventId === undefined || !stream.replayedEventIds?.has(eventId))) {
      if (stream.write(sseMessageEvent(message, eventId)) && eventId !== undefined) this.resumable.add(streamId);
    }
    if (!isResponse) return;
    this.responses.set(requestId, message);
    const related: RequestId[] = [];
    for (const [id, sid] of this.requestToStream) if (sid === streamId) related.push(id);
    if (!related.every((id) => this.responses.has(id))) return;
    const release = () => {
      for (const id of related) {
        this.responses.delete(id);
        this.requestToStream.delete(id);
      }
    };
    if (!stream) {
      release();
      // close() ran meanwhile: a late completion is a no-op.
      if (this.closed) return;
      // The stream went away but the response is stored for the client's resume.
      if (store && this.resumable.has(streamId)) {
        this.resumable.delete(streamId);
        return;
      }
      throw new Error(`No connection established for request ID: ${String(requestId)}`);
    }
    this.endStream(streamId);
    release();
    this.resumable.delete(streamId);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const channel of this.streams.values()) channel.end();
    this.streams.clear();
    this.responses.clear();
    this.resumable.clear();
    this.onclose?.();
  }
}
