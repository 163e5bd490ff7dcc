import { answeredByFault, resolveFault } from './answer-gate.js';
import { modelNotFound } from './handler-support.js';
import { sendError, sendOk, type RequestScope } from './request-scope.js';

/**
 * `GET /v1/models[/{id}]`, in OpenAI's shape, or in Anthropic's when the route was reached
 * by the Anthropic SDK (it sends `anthropic-version`; the router sets `scope.api`).
 */

// A fixed date: listings must not change between runs.
const CREATED_UNIX_S = 1_735_689_600; // 2025-01-01T00:00:00Z

function describe(id: string, anthropic: boolean): Record<string, unknown> {
  return anthropic
    ? { type: 'model', id, display_name: id, created_at: new Date(CREATED_UNIX_S * 1000).toISOString() }
    : { id, object: 'model', created: CREATED_UNIX_S, owned_by: 'sluice-sim' };
}

export async function handleModels(scope: RequestScope, modelId: string | undefined): Promise<void> {
  const fault = resolveFault(scope, modelId);
  if (await answeredByFault(scope, fault)) return;
  const anthropic = scope.api === 'anthropic';
  if (modelId !== undefined) {
    if (!scope.state.profiles.lookup(modelId)) return sendError(scope, modelNotFound(scope, modelId));
    return sendOk(scope, describe(modelId, anthropic));
  }
  const ids = scope.state.profiles.names();
  const data = ids.map((id) => describe(id, anthropic));
  if (!anthropic) return sendOk(scope, { object: 'list', data });
  return sendOk(scope, { data, has_more: false, first_id: ids[0] ?? null, last_id: ids[ids.length - 1] ?? null });
}
