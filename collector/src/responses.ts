import { ExportTraceServiceResponseType, RpcStatusType } from './otlp/otlp-proto.js';

/**
 * OTLP/HTTP responses (spec "OTLP/HTTP Response"): success is an
 * `ExportTraceServiceResponse`, with `partial_success` when spans were rejected; failures
 * carry a `google.rpc.Status`; both in the request's encoding. Pure: the receiver writes
 * what these return.
 */
export type WireEncoding = 'json' | 'protobuf';

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const CONTENT_TYPE: Record<WireEncoding, string> = { json: 'application/json', protobuf: 'application/x-protobuf' };

/** google.rpc.Code for an HTTP status. */
function rpcCode(status: number): number {
  if (status === 429) return 8; // RESOURCE_EXHAUSTED
  if (status === 503) return 14; // UNAVAILABLE
  if (status === 404) return 5; // NOT_FOUND
  if (status === 405) return 12; // UNIMPLEMENTED
  if (status >= 500) return 13; // INTERNAL
  return 3; // INVALID_ARGUMENT
}

export function successReply(enc: WireEncoding, rejectedSpans: number, errorMessage: string): HttpReply {
  const partial = rejectedSpans > 0 || errorMessage !== '';
  let body: Buffer;
  if (enc === 'json') {
    body = Buffer.from(partial ? JSON.stringify({ partialSuccess: { rejectedSpans: String(rejectedSpans), errorMessage } }) : '{}');
  } else {
    const msg = partial ? { partialSuccess: { rejectedSpans, errorMessage } } : {};
    body = Buffer.from(ExportTraceServiceResponseType.encode(ExportTraceServiceResponseType.fromObject(msg)).finish());
  }
  return { status: 200, headers: { 'content-type': CONTENT_TYPE[enc] }, body };
}

export function errorReply(enc: WireEncoding, status: number, message: string, retryAfterMs?: number): HttpReply {
  const code = rpcCode(status);
  const body =
    enc === 'json'
      ? Buffer.from(JSON.stringify({ code, message }))
      : Buffer.from(RpcStatusType.encode(RpcStatusType.fromObject({ code, message })).finish());
  const headers: Record<string, string> = { 'content-type': CONTENT_TYPE[enc] };
  if (retryAfterMs !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
  return { status, headers, body };
}

/** "rejected 3 spans: 2 invalid trace id; 1 end time before start time" */
export function describeRejections(rejected: number, reasons: Record<string, number>, extra: string[] = []): string {
  const parts = Object.entries(reasons).map(([reason, n]) => `${n} ${reason}`);
  const head = rejected > 0 ? `rejected ${rejected} span${rejected === 1 ? '' : 's'}: ${parts.join('; ')}` : '';
  return [head, ...extra].filter((s) => s !== '').join('. ');
}
