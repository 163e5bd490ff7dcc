import type { z } from 'zod';
import type { SimHttpError } from './api-errors.js';
import { createRng, deriveSeed, hashString, type Rng } from './random.js';
import type { RequestScope } from './request-scope.js';
import { describeIssue } from './wire-schemas.js';

/** Bits every API handler needs: error values, seeds, fingerprints. */

export function badRequest(error: z.ZodError): SimHttpError {
  const { message, param } = describeIssue(error);
  return { status: 400, kind: 'bad_request', message, param };
}

export function modelNotFound(scope: RequestScope, model: string): SimHttpError {
  const message =
    scope.api === 'anthropic' ? `model: ${model}` : `The model \`${model}\` does not exist or you do not have access to it.`;
  return { status: 404, kind: 'model_not_found', message, param: 'model' };
}

/** Content seed: `x-sim-seed` header, else the request's `seed`, else the server's. */
export function contentSeedOf(scope: RequestScope, requestSeed: number | null | undefined): number {
  return scope.headerSeed ?? requestSeed ?? scope.state.config.seed;
}

/** Per-request timing randomness: server seed and arrival order, independent of content. */
export function timingRngOf(scope: RequestScope): Rng {
  return createRng(deriveSeed(scope.state.config.seed, 'timing', scope.seq));
}

const fingerprints = new Map<string, string>();

/** Stable `system_fingerprint` per model, in OpenAI's `fp_` + 10 hex form. */
export function fingerprintFor(model: string): string {
  let fingerprint = fingerprints.get(model);
  if (fingerprint === undefined) {
    fingerprint = `fp_${hashString(model).toString(16).padStart(14, '0').slice(-10)}`;
    if (fingerprints.size < 1_000) fingerprints.set(model, fingerprint);
  }
  return fingerprint;
}

export const nowUnixSeconds = (): number => Math.floor(Date.now() / 1000);
