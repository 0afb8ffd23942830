// The one walk of the data directory, at start-up: what the quota counter (quota-guard.ts)
// starts from. After it the counter is kept up to date incrementally, so no upload walks the
// tree. The staging directory is not part of it: pending uploads are counted from their own
// table. Symlinks count as themselves (an entry, no bytes), so a link cannot hide or inflate use.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ENTRY_BYTES } from './quota-guard.ts';
import { META_DIR } from './safe-path.ts';

export interface TreeUsage { bytes: number; entries: number }

/** Cost of one entry as lstat sees it: its bytes when a regular file, plus ENTRY_BYTES. */
export const entryCost = (st: { isFile(): boolean; size: number }): number => (st.isFile() ? st.size : 0) + ENTRY_BYTES;

export const treeUsage = async (rootReal: string): Promise<TreeUsage> => {
  const total: TreeUsage = { bytes: 0, entries: 0 };
  const walk = async (dir: string): Promise<void> => {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (dir === rootReal && name === META_DIR) continue;
      const p = join(dir, name);
      const st = await lstat(p).catch(() => null);
      if (!st) continue;
      total.bytes += entryCost(st);
      total.entries += 1;
      if (st.isDirectory()) await walk(p);
    }
  };
  await walk(rootReal);
  return total;
};
