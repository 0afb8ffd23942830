// SHA-256 of stored files, remembered per (inode, size, mtime, ctime) so that listing a
// directory of large files hashes each file once, not on every `ls`. Uploads put the sum they
// already checked. The app holds one cache for all its streams; a bare serveFiles gets its own.
import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';

export type SumCache = Map<string, { key: string; sha256: string }>;
const MAX_ENTRIES = 10_000;
const READ_BYTES = 1024 * 1024;

export const newSumCache = (): SumCache => new Map();

const keyOf = (st: Stats): string => `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;

export const rememberSum = (cache: SumCache, path: string, st: Stats, sha256: string): void => {
  cache.delete(path);
  // Oldest first in a Map's order: drop it, so a huge tree cannot grow the cache without bound.
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(path, { key: keyOf(st), sha256 });
};

/** Feeds bytes [from, to) of an open file into `h`. Through a handle, so the sum belongs to
 *  the inode that was stat'ed even if the path is replaced meanwhile. */
export const hashInto = async (h: Hash, fh: FileHandle, from: number, to: number): Promise<void> => {
  const buf = Buffer.alloc(READ_BYTES);
  for (let pos = from; pos < to;) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, to - pos), pos);
    if (bytesRead === 0) break;
    h.update(buf.subarray(0, bytesRead));
    pos += bytesRead;
  }
};

export const fileSha256 = async (cache: SumCache, path: string, fh?: FileHandle): Promise<string> => {
  const own = fh ?? await open(path, 'r');
  try {
    const st = await own.stat();
    const hit = cache.get(path);
    if (hit && hit.key === keyOf(st)) return hit.sha256;
    const h = createHash('sha256');
    await hashInto(h, own, 0, st.size);
    const sha256 = h.digest('hex');
    rememberSum(cache, path, st, sha256);
    return sha256;
  } finally {
    if (!fh) await own.close();
  }
};
