import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleChatCompletion } from './chat-handler.js';
import { handleControl } from './control-handler.js';
import { handleEmbeddings } from './embeddings-handler.js';
import type { SimHttpError } from './api-errors.js';
import { parseFaultSpec, type FaultSpec } from './fault-spec.js';
import { parseJson, readBody, sendJson } from './http-io.js';
import { handleMessages } from './messages-handler.js';
import { handleModels } from './models-handler.js';
import { idFragment } from './completion-plan.js';
import { redactHeaders, type RecordedRequest } from './request-log.js';
import { sendError, type ApiFlavor, type RequestScope } from './request-scope.js';
import type { SimState } from './sim-state.js';

/**
 * Per-request dispatch: opens the request's scope (stats, record, abort signal), reads the
 * body, reads `x-sim-fault` / `x-sim-seed`, and hands over to the route's handler. Paths are
 * accepted with or without the `/v1` prefix.
 */

type Handler = (scope: RequestScope, body: unknown) => Promise<void>;

/** Abort reason shared by all requests (a fresh DOMException per abort costs a stack trace). */
const RESPONSE_CLOSED = new Error('response closed before the answer was complete');

const POST_ROUTES: Readonly<Record<string, Handler>> = {
  '/chat/completions': handleChatCompletion,
  '/messages': handleMessages,
  '/embeddings': handleEmbeddings,
};

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(';') : value;
}

function apiOf(route: string, req: IncomingMessage): ApiFlavor {
  if (route === '/messages') return 'anthropic';
  if (route.startsWith('/models') && req.headers['anthropic-version'] !== undefined) return 'anthropic';
  return 'openai';
}

function openScope(
  state: SimState,
  active: Set<AbortController>,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  route: string,
  simHeaders: SimHeaders,
): RequestScope {
  const seq = state.nextSeq++;
  const controller = new AbortController();
  active.add(controller);
  state.stats.started(path);
  let record: RecordedRequest | undefined;
  if (state.log.capacity > 0) {
    record = { seq, atMs: Date.now() - state.startedAtMs, method: req.method ?? 'GET', path, headers: redactHeaders(req.headers), body: undefined };
    state.log.add(record);
  }
  const scope: RequestScope = {
    state, req, res, path, seq, record,
    api: apiOf(route, req),
    requestId: `req_${idFragment(seq + state.startedAtMs, 24)}`,
    signal: controller.signal,
    headerFault: simHeaders.fault,
    headerSeed: simHeaders.seed,
    quotaHeaders: {},
    cutByServer: false,
  };
  res.on('close', () => {
    const status = res.headersSent ? res.statusCode : undefined;
    if (record && status !== undefined) record.status = status;
    const finished = res.writableFinished;
    state.stats.finished(status, !finished && !scope.cutByServer);
    // A finished answer has nothing left to cancel; skipping abort() spares a DOMException per request.
    if (!finished) controller.abort(RESPONSE_CLOSED);
    active.delete(controller);
  });
  return scope;
}

interface SimHeaders {
  readonly fault?: FaultSpec;
  readonly seed?: number;
  readonly error?: SimHttpError;
}

/** Reads `x-sim-fault` and `x-sim-seed`; a bad value becomes a 400 to send. */
function parseSimHeaders(req: IncomingMessage): SimHeaders {
  let fault: FaultSpec | undefined;
  const faultText = headerText(req.headers['x-sim-fault']);
  if (faultText !== undefined) {
    const result = parseFaultSpec(faultText);
    if (!result.ok) return { error: { status: 400, kind: 'invalid_fault_spec', message: `x-sim-fault: ${result.error}` } };
    fault = result.spec;
  }
  const seedText = headerText(req.headers['x-sim-seed']);
  if (seedText === undefined) return { fault };
  const seed = Number(seedText);
  if (seedText.trim() === '' || !Number.isSafeInteger(seed)) {
    return { error: { status: 400, kind: 'bad_request', message: `x-sim-seed must be an integer, got "${seedText}"` } };
  }
  return { fault, seed };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

async function readJsonRequest(scope: RequestScope): Promise<{ ok: true; value: unknown } | { ok: false }> {
  const body = await readBody(scope.req, scope.state.config.maxBodyBytes);
  if (!body.ok) {
    if (body.reason === 'too_large') {
      scope.res.setHeader('connection', 'close');
      sendError(scope, { status: 413, kind: 'body_too_large', message: `Request body exceeds ${scope.state.config.maxBodyBytes} bytes.` });
    }
    return { ok: false };
  }
  const json = parseJson(body.text);
  if (scope.record) scope.record.body = json.ok ? json.value : body.text === '' ? undefined : body.text;
  if (!json.ok) {
    sendError(scope, { status: 400, kind: 'bad_request', message: `We could not parse the JSON body of your request: ${json.message}` });
    return { ok: false };
  }
  return json;
}

async function dispatch(state: SimState, active: Set<AbortController>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  if (path.startsWith('/_sim/')) return handleControl(state, req, res, path, queryAt === -1 ? '' : url.slice(queryAt));
  const route = path.startsWith('/v1/') ? path.slice(3) : path;
  const simHeaders = parseSimHeaders(req);
  const scope = openScope(state, active, req, res, path, route, simHeaders);
  if (simHeaders.error) return sendError(scope, simHeaders.error);
  const handler = req.method === 'POST' ? POST_ROUTES[route] : undefined;
  if (handler) {
    const body = await readJsonRequest(scope);
    if (body.ok) await handler(scope, body.value);
    return;
  }
  if (req.method === 'GET' && route === '/models') return handleModels(scope, undefined);
  if (req.method === 'GET' && route.startsWith('/models/')) return handleModels(scope, safeDecode(route.slice('/models/'.length)));
  sendError(scope, { status: 404, kind: 'unknown_route', message: `Invalid URL (${req.method ?? 'GET'} ${path})` });
}

/** The server's request listener. A handler failure is answered 500 (or cuts a started stream). */
export function createRequestListener(state: SimState, active: Set<AbortController>): (req: IncomingMessage, res: ServerResponse) => void {
  return function onSimRequest(req, res) {
    dispatch(state, active, req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy(error instanceof Error ? error : undefined);
      const body = { error: { message: 'simulator internal error', type: 'server_error', param: null, code: 'sim_internal_error' } };
      sendJson(res, 500, JSON.stringify(body));
    });
  };
}
