// What `list` and `stat` report about an entry. Symlinks are followed when they stay inside the
// data directory; entries that lead outside, dangle, or are neither file nor directory (sockets,
// fifos) are left out of listings, since a client could not use them anyway.
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fail } from '../../../errors.ts';
import type { FileRecord } from './files-protocol.ts';
import { inside, META_DIR } from './safe-path.ts';
import { fileSha256, type SumCache } from './sum-cache.ts';

/** The record of an entry already resolved (realpath, inside); null for special files. */
export const recordOf = async (name: string, real: string, sums: SumCache): Promise<FileRecord | null> => {
  const st = await stat(real);
  if (st.isDirectory()) return { name, type: 'dir', size: 0, mtimeMs: Math.floor(st.mtimeMs) };
  if (!st.isFile()) return null;
  return { name, type: 'file', size: st.size, mtimeMs: Math.floor(st.mtimeMs), sha256: await fileSha256(sums, real) };
};

export const statRecord = async (name: string, real: string, sums: SumCache): Promise<FileRecord> =>
  (await recordOf(name, real, sums)) ?? fail('FS_NOT_FOUND', `"${name}" is neither a file nor a directory`);

export const listRecords = async (rootReal: string, dirReal: string, rel: string, sums: SumCache): Promise<FileRecord[]> => {
  if (!(await stat(dirReal)).isDirectory()) fail('BAD_REQUEST', `"${rel}" is a file, not a directory; stat it instead`);
  const names = (await readdir(dirReal)).filter((n) => !(dirReal === rootReal && n === META_DIR)).sort();
  const out: FileRecord[] = [];
  for (const name of names) {
    const real = await realpath(join(dirReal, name)).catch(() => null);
    if (real === null || !inside(rootReal, real)) continue;
    const r = await recordOf(name, real, sums).catch(() => null);
    if (r) out.push(r);
  }
  return out;
};
