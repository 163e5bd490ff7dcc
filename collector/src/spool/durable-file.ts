import { open, rename, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Small files that must survive a crash (spool cursor, spool id): write a temp file, fsync
 * it, rename over the target, fsync the directory. A reader sees the old or the new
 * content, never a mix.
 */
export async function writeFileDurably(path: string, content: string, mode = 0o600): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w', mode);
  try {
    await fh.writeFile(content);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  await syncDir(dirname(path));
}

/** fsync a directory so created, renamed or deleted entries are durable. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** File content, or `undefined` when it does not exist. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
