// Writes checked entries into an empty directory. The destination must be empty so that no
// file already there (least of all a planted symlink) is followed or mixed into the app; files
// are created with O_EXCL for the same reason. If a write fails (disk full, path too long) the
// directory is emptied again: a caller never finds half an app where it expects a whole one.
import { mkdir, readdir, rm, rmdir, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fail } from '../errors.ts';
import { DIR_MODE, fileMode } from './bundle-format.ts';
import type { TarEntry } from './bundle-tar.ts';

/** Creates `dest` if needed; true if it did. */
const claimEmpty = async (dest: string): Promise<boolean> => {
  const existing = await readdir(dest).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    return fail('FS_EXISTS', `cannot use ${dest} as the destination (${e.code}): give a new or empty directory`);
  });
  if (existing === undefined) {
    await mkdir(dest, { recursive: true, mode: DIR_MODE });
    return true;
  }
  if (existing.length > 0) fail('FS_EXISTS', `${dest} is not empty (${existing.length} entries): extract into a new or empty directory`);
  return false;
};

const empty = async (dest: string, created: boolean): Promise<void> => {
  const names = await readdir(dest).catch(() => [] as string[]);
  await Promise.all(names.map((n) => rm(join(dest, n), { recursive: true, force: true })));
  if (created) await rmdir(dest).catch(() => undefined);
};

/** File modes are 0644/0755 minus the process umask, as tar does for a non-root user. */
export const writeTree = async (entries: readonly TarEntry[], dest: string): Promise<void> => {
  const created = await claimEmpty(dest);
  let current = '';
  try {
    for (const e of entries) {
      current = e.path;
      const abs = join(dest, ...e.path.split('/'));
      if (e.type === 'dir') {
        await mkdir(abs, { recursive: true, mode: DIR_MODE });
      } else {
        await mkdir(dirname(abs), { recursive: true, mode: DIR_MODE });
        await writeFile(abs, e.bytes, { flag: 'wx', mode: fileMode(e.exec) });
        if (e.mtimeS !== undefined) await utimes(abs, e.mtimeS, e.mtimeS);
      }
    }
  } catch (e) {
    await empty(dest, created);
    fail('DEPLOY_FAILED', `writing ${JSON.stringify(current)} into ${dest} failed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); nothing was kept: free space or fix the destination and retry`, e);
  }
};
