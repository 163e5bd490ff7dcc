import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { McpCore } from '../core.js';
import type { McpIdentity } from '../deps.js';
import type { Endpoint } from '../endpoint.js';
import { buildFederatedServer } from '../endpoints/federated.js';
import { buildTransparentServer } from '../endpoints/transparent.js';
import { FrontSession, type FrontTransportKind } from './front-session.js';
import type { SessionRegistry } from './session-registry.js';

export interface OpenSessionInput {
  core: McpCore;
  registry: SessionRegistry;
  id: string;
  endpoint: Endpoint;
  identity: McpIdentity;
  kind: FrontTransportKind;
  clientAddress: string | undefined;
  transport: Transport;
}

/**
 * Builds the endpoint's front server for a new agent session, connects it to the transport
 * and registers it; the session leaves the registry when its transport closes.
 */
export async function openSession(p: OpenSessionInput): Promise<FrontSession> {
  p.registry.assertCapacity();
  const session = new FrontSession(p.id, p.endpoint, p.identity, p.kind, p.core, p.clientAddress);
  const server = p.endpoint.kind === 'transparent' ? await buildTransparentServer(session) : buildFederatedServer(session);
  const previous = p.transport.onclose;
  p.transport.onclose = () => {
    previous?.();
    void p.registry.remove(p.id);
  };
  await session.attach(server, p.transport);
  p.registry.add(session);
  return session;
}

/** Same agent, same key: a session id presented with other credentials is not theirs. */
export function sameCaller(a: McpIdentity, b: McpIdentity): boolean {
  return a.agent === b.agent && a.keyId === b.keyId && a.method === b.method;
}
