import { join } from 'node:path';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * `server.dataDir` holds the embedded store, the spool and the admin token. The store's
 * and spool's own defaults (`./.sluice/chdb`, `./.sluice/spool`) name the default data
 * directory; a file that moves `dataDir` and sets neither path gets them under its
 * `dataDir` instead, as the example config promises. Explicit paths win. Works on the raw
 * input (before defaults are applied), so it knows which paths the file set; returns the
 * input unchanged when it is not an object or sets no `dataDir`.
 */
export function withDataDirDefaults(input: unknown): unknown {
  if (!isObj(input) || !isObj(input.server) || typeof input.server.dataDir !== 'string') return input;
  const dataDir = input.server.dataDir;
  const out: Obj = { ...input };
  const store = input.store === undefined ? {} : input.store;
  if (isObj(store) && store.path === undefined) out.store = { ...store, path: join(dataDir, 'chdb') };
  const collector = input.collector === undefined ? {} : input.collector;
  if (isObj(collector)) {
    const spool = collector.spool === undefined ? {} : collector.spool;
    if (isObj(spool) && spool.dir === undefined) out.collector = { ...collector, spool: { ...spool, dir: join(dataDir, 'spool') } };
  }
  return out;
}
