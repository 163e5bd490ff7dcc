import { existsSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, startGateway } from '../../../gateway/src/main.js';

/** `sluice serve [--port N] [--config FILE]`: the gateway, with hot reload and graceful stop. */
export async function runServe(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { port: { type: 'string' }, config: { type: 'string' }, host: { type: 'string' } } });
  const configPath = values.config ?? (existsSync('sluice.yaml') ? 'sluice.yaml' : undefined);
  const port = values.port !== undefined ? Number(values.port) : process.env.PORT !== undefined ? Number(process.env.PORT) : undefined;
  let gw;
  try {
    gw = await startGateway({ configPath, port, host: values.host });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
  // Watch before announcing: whoever reads the banner may edit the file at once.
  // gw.reload logs the outcome (and every problem of a refused config) and does not reject;
  // the catch is for what it cannot foresee, since a rejection here would end the process.
  const reload = (why: string) => {
    gw.logger.debug({ why }, 'reloading config');
    gw.reload().catch((err: unknown) => gw.logger.error({ err }, 'config reload failed'));
  };
  process.on('SIGHUP', () => reload('SIGHUP'));
  if (configPath) {
    let timer: NodeJS.Timeout | undefined;
    // Editors replace files rather than write them in place (a new inode), so watch the
    // directory and filter by name; debounce the burst of events one save produces.
    const name = basename(configPath);
    watch(dirname(configPath), { persistent: false }, (_event, file) => {
      if (file !== null && file !== name) return;
      clearTimeout(timer);
      timer = setTimeout(() => reload('file changed'), 200);
    });
  }
  const cfg = gw.config();
  const lines = [
    `sluice gateway listening on ${gw.url}`,
    `  OpenAI API:  ${gw.url}/v1  (POST /v1/chat/completions, /v1/embeddings, GET /v1/models)`,
    `  Anthropic:   ${gw.url}  (POST /v1/messages, /v1/messages/count_tokens)`,
    `  MCP:         ${gw.url}/mcp (federated: ${cfg.mcp.upstreams.map((u) => u.name).join(', ') || 'no upstreams'})  ${gw.url}/mcp/servers/{name}`,
    `  health:      ${gw.url}/healthz  ${gw.url}/readyz`,
    ...(gw.collector ? [`  collector:   ${gw.collector.url}/v1/traces  (store: ${gw.collector.store.info.mode} ${gw.collector.store.info.location})`] : []),
    `  models:      ${Object.keys(cfg.models).join(', ')}`,
    `  providers:   ${cfg.providers.map((p) => `${p.name} (${p.kind}${p.api ? ` ${p.api} API` : ''}${p.baseUrl ? ` ${p.baseUrl}` : ''})`).join(', ')}`,
    `  config:      ${configPath ?? 'built-in default (no sluice.yaml)'}`,
    `  data dir:    ${cfg.server.dataDir}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  gw.logger.info('shutting down: draining in-flight requests');
  const { drained } = await gw.close();
  gw.logger.info({ drained }, 'stopped');
  return 0;
}
