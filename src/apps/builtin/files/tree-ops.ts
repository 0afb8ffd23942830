// mkdir and delete, on paths already checked by safe-path.ts, each charged to or refunded from
// the quota counter as it happens (one step per entry, inside the store's serial section), so
// the counter matches the tree even when a recursive delete stops half-way. Delete removes a
// symlink itself, never what it points to, and a recursive delete does not follow links.
import { lstat, mkdir, readdir, rmdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fail } from '../../../errors.ts';
import type { FilesStore } from './files-store.ts';
import { clientPath, creatablePath, existingPath, type ClientPath } from './safe-path.ts';

const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

const makeOne = async (store: FilesStore, target: string, rel: string): Promise<void> => {
  store.partials.sweep();
  store.quota.addEntry(`the directory "${rel}"`);
  try {
    await mkdir(target);
  } catch (e) {
    store.quota.removeEntry(0);
    if (errno(e) === 'EEXIST') fail('FS_EXISTS', `"${rel}" already exists`);
    throw e;
  }
};

export const makeDir = (store: FilesStore, p: ClientPath, parents: boolean): Promise<void> => store.serial(async () => {
  const root = store.rootReal;
  if (!parents) {
    store.partials.sweep();
    store.quota.checkEntry(`the directory "${p.rel}"`);
    return makeOne(store, await creatablePath(root, p), p.rel);
  }
  const parts = p.rel.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const step = clientPath(root, parts.slice(0, i).join('/'));
    const real = await existingPath(root, step).catch((e: { code?: string }) => (e.code === 'FS_NOT_FOUND' ? null : Promise.reject(e)));
    if (real === null) await makeOne(store, await creatablePath(root, step), step.rel);
    else if (!(await stat(real)).isDirectory()) fail('FS_EXISTS', `"${step.rel}" is a file, so no directory can be made there`);
  }
});

/** Deletes the tree at `dir` bottom-up, refunding each entry once it is gone. */
const removeTree = async (store: FilesStore, dir: string): Promise<void> => {
  for (const name of await readdir(dir)) {
    const p = join(dir, name);
    const st = await lstat(p);
    if (st.isDirectory()) await removeTree(store, p);
    else {
      await unlink(p);
      store.quota.removeEntry(st.isFile() ? st.size : 0);
    }
  }
  await rmdir(dir);
  store.quota.removeEntry(0);
};

export const remove = (store: FilesStore, p: ClientPath, recursive: boolean): Promise<void> => store.serial(async () => {
  const target = await creatablePath(store.rootReal, p);
  const st = await lstat(target).catch(() => fail('FS_NOT_FOUND', `"${p.rel}" does not exist`));
  if (!st.isDirectory()) {
    await unlink(target);
    store.quota.removeEntry(st.isFile() ? st.size : 0);
    return;
  }
  if (recursive) return removeTree(store, target);
  await rmdir(target).catch((e: unknown) =>
    (errno(e) === 'ENOTEMPTY' ? fail('BAD_REQUEST', `"${p.rel}" is a directory that is not empty; delete it recursively (rm -r) or empty it first`) : Promise.reject(e)));
  store.quota.removeEntry(0);
});
