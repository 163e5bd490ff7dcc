import type { IncomingMessage, ServerResponse } from 'node:http';
import { anthropicErrorBody, openAiErrorBody, retryAfterHeaders, type SimHttpError } from './api-errors.js';
import type { FaultSpec } from './fault-spec.js';
import { sendJson } from './http-io.js';
import type { RecordedRequest } from './request-log.js';
import type { SimState } from './sim-state.js';

/** Which API's shapes a route answers in. */
export type ApiFlavor = 'openai' | 'anthropic';

/** One API request in flight: its socket, identity, abort signal and client-given overrides. */
export interface RequestScope {
  readonly state: SimState;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly api: ApiFlavor;
  readonly path: string;
  readonly seq: number;
  readonly requestId: string;
  /** Aborts when the response closes early (client gone) or the server closes. */
  readonly signal: AbortSignal;
  readonly record: RecordedRequest | undefined;
  /** From `x-sim-fault`. */
  readonly headerFault: FaultSpec | undefined;
  /** From `x-sim-seed`. */
  readonly headerSeed: number | undefined;
  /** Rate-limit headers to add to whatever this request answers. */
  quotaHeaders: Record<string, string>;
  /** Set when a fault (refuse, disconnect-after) closed the socket, not the client. */
  cutByServer: boolean;
}

/** Headers every answer carries: the request id and any rate-limit headers. */
export function baseHeaders(scope: RequestScope): Record<string, string> {
  const idHeader = scope.api === 'anthropic' ? 'request-id' : 'x-request-id';
  return { ...scope.quotaHeaders, [idHeader]: scope.requestId };
}

/** Answers with an error in the route's API shape. */
export function sendError(scope: RequestScope, error: SimHttpError): void {
  if (scope.res.headersSent || scope.res.destroyed) return;
  const body = scope.api === 'anthropic' ? anthropicErrorBody(error, scope.requestId) : openAiErrorBody(error);
  sendJson(scope.res, error.status, JSON.stringify(body), { ...baseHeaders(scope), ...retryAfterHeaders(error) });
}

/** Answers 200 JSON with the base headers. */
export function sendOk(scope: RequestScope, body: unknown, extraHeaders: Readonly<Record<string, string>> = {}): void {
  if (scope.res.headersSent || scope.res.destroyed) return;
  sendJson(scope.res, 200, JSON.stringify(body), { ...baseHeaders(scope), ...extraHeaders });
}
