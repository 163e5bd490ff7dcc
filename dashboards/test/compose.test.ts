import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfigFile } from '../../gateway/src/config/load.js';
import { CLICKHOUSE_DS_TYPE, CLICKHOUSE_DS_UID } from '../src/clickhouse-query.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// `merge`: the file shares service settings through YAML merge keys (`<<: *sluice`).
const read = (path: string): any => parse(readFileSync(join(ROOT, path), 'utf8'), { merge: true });
const compose = read('docker-compose.yml');
const services: Record<string, any> = compose.services;

/** `docker-compose` (Debian's package) or the `docker compose` plugin, when installed. */
function composeCommand(): string[] | undefined {
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) return ['docker-compose'];
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) return ['docker', 'compose'];
  return undefined;
}

describe('docker-compose.yml', () => {
  it('is valid: `docker-compose config -q` accepts it (structure checked below either way)', () => {
    const cmd = composeCommand();
    if (cmd) {
      const r = spawnSync(cmd[0], [...cmd.slice(1), '-f', 'docker-compose.yml', 'config', '-q'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CLICKHOUSE_PASSWORD: 'x' } });
      expect(r.stderr).not.toMatch(/error|invalid/i);
      expect(r.status).toBe(0);
    } else {
      // Without the binary: the parts of the Compose spec this file relies on.
      expect(Object.keys(compose).every((k) => ['services', 'volumes', 'networks', 'name'].includes(k) || k.startsWith('x-'))).toBe(true);
      for (const [name, s] of Object.entries(services)) {
        expect(typeof s.image === 'string' || s.build !== undefined, `${name}: image or build`).toBe(true);
        for (const v of s.volumes ?? []) expect(String(v)).toMatch(/^[^:]+:\/[^:]*(:ro|:rw)?$/);
        for (const p of s.ports ?? []) expect(String(p)).toMatch(/^(127\.0\.0\.1:)?\d+:\d+$/);
        for (const d of Object.keys(Array.isArray(s.depends_on) ? Object.fromEntries(s.depends_on.map((x: string) => [x, 1])) : (s.depends_on ?? {}))) expect(services[d], `${name} depends on ${d}`).toBeDefined();
      }
    }
  });

  it('runs ClickHouse, the collector, the gateway, the simulator and Grafana, with pinned images', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['clickhouse', 'collector', 'gateway', 'sim', 'grafana']));
    for (const [name, s] of Object.entries(services)) {
      expect(s.image, name).toMatch(/^[\w./-]+:\d[\w.-]*$/);
    }
    expect(services.collector.command[0]).toBe('collector');
    expect(services.gateway.command[0]).toBe('serve');
    expect(services.sim.command[0]).toBe('sim');
    for (const name of ['collector', 'gateway', 'sim']) expect(services[name].build.dockerfile).toBe('docker/Dockerfile');
  });

  it('wires gateway → collector → ClickHouse ← Grafana', () => {
    expect(services.gateway.environment.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://collector:4318');
    expect(services.collector.depends_on.clickhouse.condition).toBe('service_healthy');
    const g = services.grafana;
    expect(`${g.environment.GF_PLUGINS_PREINSTALL_SYNC ?? ''}${g.environment.GF_INSTALL_PLUGINS ?? ''}`).toMatch(/grafana-clickhouse-datasource@\d+\.\d+\.\d+/);
    const provider = read('dashboards/provisioning/dashboards/sluice.yaml').providers[0];
    expect(g.volumes).toEqual(
      expect.arrayContaining([
        './dashboards/provisioning/datasources:/etc/grafana/provisioning/datasources:ro',
        './dashboards/provisioning/dashboards:/etc/grafana/provisioning/dashboards:ro',
        `./dashboards/generated:${provider.options.path}:ro`,
      ]),
    );
    for (const s of Object.values(services)) {
      for (const v of s.volumes ?? []) if (String(v).startsWith('./')) expect(existsSync(join(ROOT, String(v).split(':')[0])), String(v)).toBe(true);
    }
  });

  it('the compose config is a valid Sluice config: server store with credentials from the environment', async () => {
    const r = await loadConfigFile(join(ROOT, 'docker/sluice.compose.yaml'));
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.config.store).toMatchObject({ mode: 'server', url: 'http://clickhouse:8123', usernameEnv: 'CLICKHOUSE_USER', passwordEnv: 'CLICKHOUSE_PASSWORD', database: 'otel' });
    expect(r.config.collector.enabled).toBe(false);
    expect(r.config.providers.every((p) => p.baseUrl?.startsWith('http://sim:9090'))).toBe(true);
    for (const name of ['collector', 'gateway']) expect(services[name].environment.CLICKHOUSE_PASSWORD).toBeDefined();
  });

  it('the image builds from this repo with npm ci and runs node bin/sluice.js', () => {
    const dockerfile = readFileSync(join(ROOT, 'docker/Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/RUN npm ci\b/);
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "bin\/sluice\.js"\]/);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:\d+\.\d+\.\d+-/m);
  });
});

describe('Grafana provisioning', () => {
  it('provisions the ClickHouse datasource the dashboards use, with OTel trace settings', () => {
    const [ds] = read('dashboards/provisioning/datasources/clickhouse.yaml').datasources;
    expect(ds).toMatchObject({ type: CLICKHOUSE_DS_TYPE, uid: CLICKHOUSE_DS_UID });
    expect(ds.jsonData).toMatchObject({ port: 8123, protocol: 'http', defaultDatabase: 'otel' });
    expect(ds.jsonData.traces).toMatchObject({ defaultDatabase: 'otel', defaultTable: 'otel_traces', otelEnabled: true, otelVersion: 'latest', durationUnit: 'nanoseconds', traceTimestampTableSuffix: '_trace_id_ts' });
    expect(ds.secureJsonData.password).toBe('${CLICKHOUSE_PASSWORD}');
  });
});
