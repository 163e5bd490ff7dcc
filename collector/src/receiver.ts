import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BatchWriter } from './batch-writer.js';
import type { CollectorConfig } from './config.js';
import { CollectorError } from './errors.js';
import { readBody } from './http/read-body.js';
import type { Clock, Logger } from './logger.js';
import { decodeJsonRequest } from './otlp/decode-json.js';
import { encodeRows, protobufRows } from './otlp/protobuf-rows.js';
import { toRows } from './otlp/to-rows.js';
import { describeRejections, errorReply, successReply, type HttpReply, type WireEncoding } from './responses.js';
import type { Spool } from './spool/spool.js';

/** What the receiver counts; every refused request and rejected span shows up here. */
export interface ReceiverCounters {
  requests: number;
  /** Requests answered with an error, per HTTP status. */
  refused: Record<string, number>;
  spansReceived: number;
  spansAccepted: number;
  spansRejected: number;
  /** Spans of requests refused after decoding (spool full or failing: 503, the client retries). */
  spansRefused: number;
  rejectReasons: Record<string, number>;
  attributesDropped: number;
  valuesTruncated: number;
  eventsDropped: number;
}

export const newReceiverCounters = (): ReceiverCounters => ({
  requests: 0,
  refused: {},
  spansReceived: 0,
  spansAccepted: 0,
  spansRejected: 0,
  spansRefused: 0,
  rejectReasons: {},
  attributesDropped: 0,
  valuesTruncated: 0,
  eventsDropped: 0,
});

export interface ReceiverDeps {
  config: CollectorConfig;
  spool: Spool;
  writer: BatchWriter;
  logger: Logger;
  clock: Clock;
  counters: ReceiverCounters;
  isClosing(): boolean;
}

export function requestEncoding(contentType: string | undefined): WireEncoding | undefined {
  const type = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  return undefined;
}

/**
 * `POST /v1/traces`: decode, map to rows, append to the spool (fsynced) and only then
 * answer 200, with `partial_success` for rejected spans and truncation warnings.
 */
export function createTracesHandler(d: ReceiverDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  let inflight = 0;
  const limits = { maxAttributes: d.config.maxAttributesPerSpan, maxValueBytes: d.config.maxAttributeValueBytes, maxEvents: d.config.maxEventsPerSpan };

  async function receive(req: IncomingMessage, enc: WireEncoding): Promise<HttpReply> {
    const body = await readBody(req, d.config.maxBodyBytes);
    const nowMs = d.clock.now();
    // Protobuf (what exporters send by default) is encoded straight from its bytes.
    const r = enc === 'json' ? encodeRows(toRows(decodeJsonRequest(body), limits, nowMs)) : protobufRows(body, limits, nowMs);
    const c = d.counters;
    c.spansReceived += r.rows + r.rejected;
    if (r.rows > 0) {
      try {
        await d.spool.append(r.payload, r.rows);
      } catch (err) {
        c.spansRefused += r.rows + r.rejected;
        throw err;
      }
      d.writer.notify();
    }
    c.spansAccepted += r.rows;
    c.spansRejected += r.rejected;
    for (const [k, n] of Object.entries(r.rejectReasons)) c.rejectReasons[k] = (c.rejectReasons[k] ?? 0) + n;
    c.attributesDropped += r.droppedAttributes;
    c.valuesTruncated += r.truncatedValues;
    c.eventsDropped += r.droppedEvents;
    const warnings: string[] = [];
    if (r.droppedAttributes > 0) warnings.push(`dropped ${r.droppedAttributes} attributes beyond ${limits.maxAttributes} per span`);
    if (r.truncatedValues > 0) warnings.push(`truncated ${r.truncatedValues} values longer than ${limits.maxValueBytes} bytes`);
    if (r.droppedEvents > 0) warnings.push(`dropped ${r.droppedEvents} events/links beyond ${limits.maxEvents} per span`);
    const message = describeRejections(r.rejected, r.rejectReasons, warnings);
    if (message !== '') {
      d.logger.warn({ accepted: r.rows, rejected: r.rejected, reasons: r.rejectReasons, droppedAttributes: r.droppedAttributes, truncatedValues: r.truncatedValues }, `otlp: ${message}`);
    }
    return successReply(enc, r.rejected, message);
  }

  return async function traces(req, res) {
    d.counters.requests += 1;
    const enc = requestEncoding(req.headers['content-type']);
    if (enc === undefined) {
      return send(d, req, res, errorReply('json', 415, `unsupported content-type ${JSON.stringify(req.headers['content-type'] ?? '')}; use application/json or application/x-protobuf`));
    }
    if (d.isClosing()) return send(d, req, res, errorReply(enc, 503, 'the collector is shutting down', 1000));
    if (inflight >= d.config.maxConcurrentRequests) {
      return send(d, req, res, errorReply(enc, 429, `more than ${d.config.maxConcurrentRequests} concurrent export requests`, 1000));
    }
    inflight += 1;
    try {
      send(d, req, res, await receive(req, enc));
    } catch (err) {
      if (!(err instanceof CollectorError)) {
        d.logger.error({ error: String(err) }, 'otlp: unexpected failure handling an export request');
        return send(d, req, res, errorReply(enc, 500, 'internal error'));
      }
      if (err.status >= 500) d.logger.warn({ code: err.code }, `otlp: refused an export request: ${err.message}`);
      send(d, req, res, errorReply(enc, err.status, err.message, err.retryAfterMs));
    } finally {
      inflight -= 1;
    }
  };
}

/** Writes a reply. A body we stopped reading (413) means the connection cannot be reused. */
function send(d: ReceiverDeps, req: IncomingMessage, res: ServerResponse, reply: HttpReply): void {
  if (reply.status !== 200) d.counters.refused[String(reply.status)] = (d.counters.refused[String(reply.status)] ?? 0) + 1;
  if (res.headersSent) return;
  const unread = !req.complete;
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(reply.body.length), ...(unread ? { connection: 'close' } : {}) });
  res.end(reply.body, () => {
    if (unread) req.socket.destroySoon();
  });
}
