import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { RpcError, toRpcError } from '../errors.js';
import type { HandlerExtra } from '../governance/forward.js';

/** One method of an endpoint: its params schema and what it does. */
export interface MethodHandler<S extends z.ZodType = z.ZodType> {
  params: S;
  run(params: z.infer<S>, extra: HandlerExtra, request: JSONRPCRequest): Promise<Record<string, unknown>>;
}

export const method = <S extends z.ZodType>(params: S, run: MethodHandler<S>['run']): MethodHandler => ({ params, run } as MethodHandler);

/** Params every MCP request may carry (`_meta`), unknown keys kept. */
export const BaseParams = z.looseObject({ _meta: z.record(z.string(), z.unknown()).optional() });

function describeIssues(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join('.') : 'params'}: ${i.message}`).join('; ');
}

/**
 * Routes an endpoint's requests through one table so every method gets the spec's codes:
 * unknown method -32601, bad params -32602 (the SDK's per-method parse would answer -32603),
 * gateway errors their catalogue code. `fallback` (transparent endpoints) takes the rest.
 */
export function installDispatch(server: Server, table: Record<string, MethodHandler>, fallback?: MethodHandler['run']): void {
  // The SDK registers its own logging/setLevel when `logging` is declared; ours must win.
  server.removeRequestHandler('logging/setLevel');
  server.fallbackRequestHandler = async (request: JSONRPCRequest, extra: RequestHandlerExtra<never, never>) => {
    const handler = table[request.method];
    try {
      if (handler === undefined) {
        if (fallback) return (await fallback(request.params ?? {}, extra as unknown as HandlerExtra, request)) as never;
        throw new RpcError(-32601, `Method not found: ${request.method}`);
      }
      const parsed = handler.params.safeParse(request.params ?? {});
      if (!parsed.success) throw new RpcError(-32602, `Invalid params for ${request.method}: ${describeIssues(parsed.error)}`);
      return (await handler.run(parsed.data, extra as unknown as HandlerExtra, request)) as never;
    } catch (err) {
      throw toRpcError(err);
    }
  };
}
