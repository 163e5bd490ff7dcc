import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { genAiTraceRequest } from '../../bench/genai-spans.js';
import { StoreConfigSchema } from '../config.js';
import { encodeSpanRowsNative } from '../model/span-block-native.js';
import { openStore, redactUrl, serverClientOptions } from './open-store.js';
import { rowsOf, storeContract } from './store.contract.js';

/**
 * The store contract against a real ClickHouse server, when one is configured:
 * `CLICKHOUSE_URL` (and optionally `CLICKHOUSE_USER`, `CLICKHOUSE_PASSWORD`). Each run uses
 * a fresh database, dropped afterwards. Without a server only the configuration tests run.
 */
const url = process.env.CLICKHOUSE_URL;
if (url !== undefined && url !== '') {
  storeContract(`ClickHouse server ${redactUrl(url)}`, async () => {
    const database = `sluice_contract_${randomBytes(4).toString('hex')}`;
    const config = StoreConfigSchema.parse({
      mode: 'server',
      url,
      database,
      ...(process.env.CLICKHOUSE_USER ? { usernameEnv: 'CLICKHOUSE_USER' } : {}),
      ...(process.env.CLICKHOUSE_PASSWORD ? { passwordEnv: 'CLICKHOUSE_PASSWORD' } : {}),
    });
    const store = openStore(config, { env: process.env });
    return {
      store,
      async cleanup() {
        await store.command(`DROP DATABASE IF EXISTS \`${database}\``);
        await store.close();
      },
    };
  });
}

describe('server store configuration', () => {
  const files: Record<string, string> = { '/run/secrets/ch-pass': 's3cret\n', '/etc/ch/ca.pem': 'CA', '/etc/ch/c.pem': 'CERT', '/etc/ch/k.pem': 'KEY' };
  const readFile = (p: string): Buffer => {
    const v = files[p];
    if (v === undefined) throw Object.assign(new Error(`ENOENT ${p}`), { code: 'ENOENT' });
    return Buffer.from(v);
  };

  it('resolves user and password from env references and sets the timeout', () => {
    const cfg = StoreConfigSchema.parse({ mode: 'server', url: 'https://ch.internal:8443', usernameEnv: 'CH_USER', passwordEnv: 'CH_PASS', requestTimeoutMs: 1234 });
    const opts = serverClientOptions(cfg, { env: { CH_USER: 'sluice', CH_PASS: 'pw' }, readFile });
    expect(opts).toMatchObject({ url: 'https://ch.internal:8443/', username: 'sluice', password: 'pw', request_timeout: 1234 });
  });

  it('reads the password from a file and TLS material from files', () => {
    const cfg = StoreConfigSchema.parse({
      mode: 'server',
      url: 'https://ch.internal:8443',
      username: 'reader',
      passwordFile: '/run/secrets/ch-pass',
      tls: { caFile: '/etc/ch/ca.pem', certFile: '/etc/ch/c.pem', keyFile: '/etc/ch/k.pem' },
    });
    const opts = serverClientOptions(cfg, { env: {}, readFile });
    expect(opts.password).toBe('s3cret');
    expect(opts.username).toBe('reader');
    const tls = opts.tls as { ca_cert: Buffer; cert: Buffer; key: Buffer };
    expect([tls.ca_cert.toString(), tls.cert.toString(), tls.key.toString()]).toEqual(['CA', 'CERT', 'KEY']);
  });

  it('refuses credentials in the URL, missing env secrets and unreadable files, without echoing secrets', () => {
    const inUrl = StoreConfigSchema.parse({ mode: 'server', url: 'http://u:hunter2@ch:8123' });
    expect(() => serverClientOptions(inUrl, { env: {}, readFile })).toThrow(expect.objectContaining({ code: 'COL_STORE_CONFIG' }));
    try {
      serverClientOptions(inUrl, { env: {}, readFile });
    } catch (err) {
      expect(String((err as Error).message)).not.toContain('hunter2');
    }
    const missing = StoreConfigSchema.parse({ mode: 'server', url: 'http://ch:8123', passwordEnv: 'NOPE' });
    expect(() => serverClientOptions(missing, { env: {}, readFile })).toThrow(expect.objectContaining({ code: 'COL_STORE_CONFIG' }));
    const badFile = StoreConfigSchema.parse({ mode: 'server', url: 'http://ch:8123', passwordFile: '/nope' });
    expect(() => serverClientOptions(badFile, { env: {}, readFile })).toThrow(expect.objectContaining({ code: 'COL_STORE_CONFIG' }));
  });

  it('validates the section: server needs url, one password source, TLS pairs, plain identifiers', () => {
    expect(StoreConfigSchema.safeParse({ mode: 'server' }).success).toBe(false);
    expect(StoreConfigSchema.safeParse({ mode: 'server', url: 'http://ch:8123', passwordEnv: 'A', passwordFile: '/b' }).success).toBe(false);
    expect(StoreConfigSchema.safeParse({ mode: 'server', url: 'http://ch:8123', tls: { certFile: '/c' } }).success).toBe(false);
    expect(StoreConfigSchema.safeParse({ database: 'otel; DROP' }).success).toBe(false);
    expect(StoreConfigSchema.safeParse({ cluster: 'a b' }).success).toBe(false);
    expect(StoreConfigSchema.safeParse({ password: 'inline' }).success).toBe(false);
    expect(StoreConfigSchema.parse({})).toMatchObject({ mode: 'embedded', path: './.sluice/chdb', database: 'otel', retentionDays: 30 });
  });

  it('describes a server without credentials or query string', () => {
    expect(redactUrl('https://user:pw@ch.internal:8443/?database=x')).toBe('https://ch.internal:8443');
    const store = openStore(StoreConfigSchema.parse({ mode: 'server', url: 'http://127.0.0.1:9' }), { env: {} });
    expect(store.info).toEqual({ mode: 'server', location: 'http://127.0.0.1:9', database: 'otel', cluster: undefined, retentionDays: 30 });
    return store.close();
  });

  it('sends a spooled Native body to a server byte for byte, on the ClickHouse HTTP interface', async () => {
    // A loopback stand-in for the server's HTTP interface: records what the client sends.
    // (chDB's own client connection passes insert bodies as text, so this path cannot be
    // checked against chDB; the contract suite above checks it against a real server.)
    const seen: { query: string; body: Buffer }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ query: new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '', body: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const store = openStore(StoreConfigSchema.parse({ mode: 'server', url: `http://127.0.0.1:${port}` }), { env: {} });
    try {
      const body = encodeSpanRowsNative(rowsOf(genAiTraceRequest(3, { agent: 'server-native' })));
      expect(body.some((b) => b >= 0x80)).toBe(true); // binary: lengths and times past ASCII
      await store.insertBody('otel_traces', body, 'Native', { dedupToken: 'spool-1-3' });
      const insert = seen.find((r) => r.query.startsWith('INSERT'));
      expect(insert?.query).toBe("INSERT INTO `otel`.`otel_traces` SETTINGS insert_deduplication_token = 'spool-1-3' FORMAT Native");
      expect(insert?.body.equals(body)).toBe(true);
      // A body in parts is one request, its parts in order.
      const more = encodeSpanRowsNative(rowsOf(genAiTraceRequest(2, { agent: 'server-native' }, 3)));
      await store.insertBody('otel_traces', [body, Buffer.alloc(0), more], 'Native', { dedupToken: 'spool-4-5' });
      const parted = seen.find((r) => r.query.includes("'spool-4-5'"));
      expect(parted?.body.equals(Buffer.concat([body, more]))).toBe(true);
    } finally {
      await store.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
