import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

/** A loopback JWKS endpoint whose keys and health the test controls. */
export interface JwksServer {
  url: string;
  /** Requests served (including failed ones). */
  readonly hits: number;
  setKeys(keys: JWK[]): void;
  /** `up` serves the keys, `error` answers 500, `down` closes every connection at once. */
  setMode(mode: 'up' | 'error' | 'down'): void;
  close(): Promise<void>;
}

export async function startJwksServer(keys: JWK[]): Promise<JwksServer> {
  let current = keys;
  let mode: 'up' | 'error' | 'down' = 'up';
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    if (mode === 'down') {
      req.socket.destroy();
      return;
    }
    if (mode === 'error') {
      res.writeHead(500).end('boom');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: current }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get hits() {
      return hits;
    },
    setKeys: (k) => {
      current = k;
    },
    setMode: (m) => {
      mode = m;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
