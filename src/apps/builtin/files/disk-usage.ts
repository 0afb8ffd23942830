// Bytes stored under the data directory, partial uploads included: what the quota limits.
// Symlinks count as themselves (not what they point to), so a link cannot hide or inflate use.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export const diskUsage = async (dir: string): Promise<number> => {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await diskUsage(p);
    else total += await lstat(p).then((s) => s.size, () => 0);
  }
  return total;
};
