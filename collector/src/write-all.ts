import type { FileHandle } from 'node:fs/promises';

/**
 * Writes `parts` one after another at the file's position, or throws. `FileHandle.writev`
 * alone is not enough: when the file stops growing part-way (a full disk, the process's
 * file-size limit) libuv resolves with the bytes it wrote before the error, not with the
 * error, so a short write would pass for a whole one.
 */
export async function writeAll(fh: FileHandle, parts: readonly Buffer[]): Promise<void> {
  let total = 0;
  for (const p of parts) total += p.length;
  // libuv writes the whole list (in runs of IOV_MAX, resuming after short writes) until done or an error.
  const { bytesWritten } = await fh.writev(parts as Buffer[]);
  if (bytesWritten !== total) throw new Error(`short write: ${bytesWritten} of ${total} bytes reached the file (disk full or file size limit)`);
}
