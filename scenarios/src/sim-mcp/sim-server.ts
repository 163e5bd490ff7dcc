import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { fillerText, seededRandom } from './seeded-random.js';
import type { SimMcpState } from './sim-state.js';
import { registerSimTools } from './sim-tools.js';

/**
 * One connection's MCP server over the shared simulator state (an SDK server object serves
 * exactly one transport). Registers the simulated tools, a document resource template and a
 * prompt; follows runtime description changes (sending `tools/list_changed`).
 */
export function createSimMcpServer(state: SimMcpState): McpServer {
  const server = new McpServer(
    { name: state.options.name, version: '1.0.0' },
    { capabilities: { tools: { listChanged: true }, resources: { listChanged: true }, prompts: { listChanged: true }, logging: {} } },
  );
  const tools = registerSimTools(server, state);

  server.registerResource(
    'document',
    new ResourceTemplate('sim://documents/{id}', { list: undefined }),
    { description: 'A document of the simulated index', mimeType: 'text/plain' },
    async (uri, vars) => ({
      contents: [{ uri: uri.href, mimeType: 'text/plain', text: fillerText(seededRandom(String(vars.id).length + state.options.seed), 256) }],
    }),
  );
  server.registerResource(
    'readme',
    'sim://readme',
    { description: 'What this simulated server offers', mimeType: 'text/plain' },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: `Simulated MCP server ${state.options.name}: tools ${[...tools.keys()].join(', ')}` }] }),
  );
  server.registerPrompt(
    'summarize_document',
    { description: 'Asks the model to summarise a document', argsSchema: { id: z.string() } },
    async ({ id }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Summarise the document ${id} in three sentences.` } }] }),
  );

  const unsubscribe = state.onDescriptionChange((name, description) => {
    tools.get(name)?.update({ description });
  });
  state.stats.sessions += 1;
  state.stats.openSessions += 1;
  const previousOnClose = server.server.onclose;
  server.server.onclose = () => {
    previousOnClose?.();
    unsubscribe();
    state.stats.openSessions -= 1;
  };
  return server;
}
