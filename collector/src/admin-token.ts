import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, open, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { readIfExists, writeFileDurably } from './spool/durable-file.js';

/**
 * The admin credential and the discovery file `sluice query` uses to find a running
 * server on the same machine: `<dataDir>/admin.token` (32 random bytes, hex, mode 0600:
 * only the owner can read it) and `<dataDir>/admin.json` (`{ url, pid }`).
 */
export const ADMIN_TOKEN_FILE = 'admin.token';
export const ADMIN_ENDPOINT_FILE = 'admin.json';

/** Reads the token, creating it (0600, exclusive create) on first use. */
export async function ensureAdminToken(dataDir: string): Promise<string> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, ADMIN_TOKEN_FILE);
  try {
    const fh = await open(path, 'wx', 0o600);
    try {
      await fh.writeFile(`${randomBytes(32).toString('hex')}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  // A token others can read is no credential: tighten it if someone loosened it.
  if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600);
  return (await readAdminToken(dataDir)) as string;
}

export async function readAdminToken(dataDir: string): Promise<string | undefined> {
  const t = (await readIfExists(join(dataDir, ADMIN_TOKEN_FILE)))?.trim();
  return t === undefined || t === '' ? undefined : t;
}

/** Constant-time comparison (hashing first makes the lengths equal). */
export function tokenMatches(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export interface AdminEndpoint {
  url: string;
  pid: number;
}

export async function writeAdminEndpoint(dataDir: string, ep: AdminEndpoint): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFileDurably(join(dataDir, ADMIN_ENDPOINT_FILE), `${JSON.stringify(ep)}\n`);
}

export async function readAdminEndpoint(dataDir: string): Promise<AdminEndpoint | undefined> {
  const text = await readIfExists(join(dataDir, ADMIN_ENDPOINT_FILE));
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as Partial<AdminEndpoint>;
    return typeof v.url === 'string' && typeof v.pid === 'number' ? { url: v.url, pid: v.pid } : undefined;
  } catch {
    return undefined;
  }
}

/** Removes the discovery file if it still names this process. */
export async function removeAdminEndpoint(dataDir: string, pid: number): Promise<void> {
  const ep = await readAdminEndpoint(dataDir);
  if (ep?.pid === pid) await unlink(join(dataDir, ADMIN_ENDPOINT_FILE)).catch(() => undefined);
}
