import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Endpoint } from '../endpoint.js';
import { McpGatewayError, jsonRpcErrorBody, toRpcError } from '../errors.js';
import { openSession } from '../session/open-session.js';
import { MCP_WS_SUBPROTOCOL, WebSocketTransport } from '../ws-transport.js';
import { identify, type FrontContext } from './admission.js';

/** Refuses an upgrade with a plain HTTP answer (the socket has not switched protocols). */
export function rejectUpgrade(socket: Duplex, err: unknown): void {
  const e = err instanceof McpGatewayError ? err : new McpGatewayError('MCP_INTERNAL', 'internal error', { cause: err });
  const body = jsonRpcErrorBody(e.rpcCode, e.message);
  const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), connection: 'close', ...e.headers };
  const head = `HTTP/1.1 ${e.httpStatus} ${STATUS_CODES[e.httpStatus] ?? 'Error'}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
  socket.end(head + body);
}

/**
 * MCP over WebSocket (`ws`, subprotocol `mcp`), one session per connection: authenticated
 * at the upgrade, JSON-RPC frames both ways, frames above the body limit close the socket.
 */
export class WebSocketFront {
  private readonly wss: WebSocketServer;

  constructor(private readonly ctx: FrontContext) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: ctx.root().mcp.limits.maxBodyBytes,
      handleProtocols: (protocols) => (protocols.has(MCP_WS_SUBPROTOCOL) ? MCP_WS_SUBPROTOCOL : false),
    });
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, endpoint: Endpoint, resourcePath: string): void {
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!offered.includes(MCP_WS_SUBPROTOCOL)) {
      return rejectUpgrade(socket, new McpGatewayError('MCP_INVALID_REQUEST', `WebSocket subprotocol "${MCP_WS_SUBPROTOCOL}" is required`, { httpStatus: 400 }));
    }
    identify(this.ctx, req, resourcePath).then((identity) => {
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        const id = randomUUID();
        const transport = new WebSocketTransport(ws, { headers: req.headers, sessionId: id });
        openSession({ core: this.ctx.core, registry: this.ctx.registry, id, endpoint, identity, kind: 'websocket', clientAddress: req.socket.remoteAddress, transport })
          .catch((err: unknown) => {
            const rpc = toRpcError(err);
            ws.send(jsonRpcErrorBody(rpc.code, rpc.message));
            ws.close(1011, 'session setup failed');
          });
      });
    }, (err: unknown) => rejectUpgrade(socket, err));
  }

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }
}
