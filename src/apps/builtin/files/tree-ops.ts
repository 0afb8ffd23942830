// mkdir and delete, on paths already checked by safe-path.ts. Delete removes a symlink itself,
// never what it points to, and a recursive delete does not follow links inside the tree.
import { lstat, mkdir, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { fail } from '../../../errors.ts';
import { clientPath, creatablePath, existingPath, type ClientPath } from './safe-path.ts';

const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

export const makeDir = async (rootReal: string, p: ClientPath, parents: boolean): Promise<void> => {
  if (!parents) {
    const target = await creatablePath(rootReal, p);
    return mkdir(target).catch((e: unknown) => (errno(e) === 'EEXIST' ? fail('FS_EXISTS', `"${p.rel}" already exists`) : Promise.reject(e)));
  }
  const parts = p.rel.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const step = clientPath(rootReal, parts.slice(0, i).join('/'));
    const real = await existingPath(rootReal, step).catch((e: { code?: string }) => (e.code === 'FS_NOT_FOUND' ? null : Promise.reject(e)));
    if (real === null) await mkdir(await creatablePath(rootReal, step));
    else if (!(await stat(real)).isDirectory()) fail('FS_EXISTS', `"${step.rel}" is a file, so no directory can be made there`);
  }
};

export const remove = async (rootReal: string, p: ClientPath, recursive: boolean): Promise<void> => {
  const target = await creatablePath(rootReal, p);
  const st = await lstat(target).catch(() => fail('FS_NOT_FOUND', `"${p.rel}" does not exist`));
  if (!st.isDirectory()) return unlink(target);
  if (recursive) return rm(target, { recursive: true });
  return rmdir(target).catch((e: unknown) =>
    (errno(e) === 'ENOTEMPTY' ? fail('BAD_REQUEST', `"${p.rel}" is a directory that is not empty; delete it recursively (rm -r) or empty it first`) : Promise.reject(e)));
};
