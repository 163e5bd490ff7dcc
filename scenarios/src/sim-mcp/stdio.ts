/**
 * Stdio entry of the simulated MCP server, usable as a stdio upstream:
 *   node --import tsx scenarios/src/sim-mcp/stdio.ts '{"seed":7}'
 *   node dist/scenarios/src/sim-mcp/stdio.js            (options also from SIM_MCP_OPTIONS)
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createSimMcpServer } from './sim-server.js';
import { SimMcpState } from './sim-state.js';

const raw = process.argv[2] ?? process.env.SIM_MCP_OPTIONS ?? '{}';
const state = new SimMcpState(JSON.parse(raw) as Record<string, unknown>);
await createSimMcpServer(state).connect(new StdioServerTransport());
