import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJson, readBody, sendJson } from './http-io.js';
import { SimError } from './sim-errors.js';
import { installFaultPlan, resetSimState, type SimState } from './sim-state.js';

/**
 * Control endpoints for tests and scenarios (not counted in stats):
 * `GET /_sim/stats`, `POST /_sim/reset`, `PUT|GET /_sim/faults`, `GET /_sim/requests?limit=N`.
 */

function sendControlError(res: ServerResponse, status: number, code: string, message: string, issues: readonly string[] = []): void {
  sendJson(res, status, JSON.stringify({ error: { message, code, issues } }));
}

async function putFaults(state: SimState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req, state.config.maxBodyBytes);
  if (!body.ok) return sendControlError(res, 413, 'SIM_BODY_TOO_LARGE', 'fault plan too large');
  const json = parseJson(body.text);
  if (!json.ok) return sendControlError(res, 400, 'SIM_INVALID_JSON', json.message);
  try {
    const plan = installFaultPlan(state, json.value, Date.now());
    sendJson(res, 200, JSON.stringify({ faults: plan }));
  } catch (error) {
    if (!(error instanceof SimError)) throw error;
    sendControlError(res, 400, error.code, error.message, error.issues);
  }
}

function limitParam(search: string): number | undefined {
  const raw = new URLSearchParams(search).get('limit');
  if (raw === null) return undefined;
  const limit = Number(raw);
  return Number.isInteger(limit) && limit >= 0 ? limit : undefined;
}

/** Handles a `/_sim/*` request. */
export async function handleControl(state: SimState, req: IncomingMessage, res: ServerResponse, path: string, search: string): Promise<void> {
  const route = `${req.method ?? 'GET'} ${path}`;
  switch (route) {
    case 'GET /_sim/stats':
      return sendJson(res, 200, JSON.stringify(state.stats.snapshot()));
    case 'POST /_sim/reset':
      resetSimState(state, Date.now());
      return sendJson(res, 200, JSON.stringify({ ok: true }));
    case 'GET /_sim/faults':
      return sendJson(res, 200, JSON.stringify({ faults: state.plan }));
    case 'PUT /_sim/faults':
      return putFaults(state, req, res);
    case 'GET /_sim/requests':
      return sendJson(res, 200, JSON.stringify({ requests: state.log.recent(limitParam(search)) }));
    default:
      return sendControlError(res, 404, 'SIM_UNKNOWN_CONTROL_ROUTE', `no control route ${route}`);
  }
}
