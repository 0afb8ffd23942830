// Client paths resolved under the data directory. String checks first (NUL, absolute, '..',
// the reserved staging directory), then realpath checks, because a symlink inside the data
// directory may lead anywhere: whatever a client touches must really be inside.
import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { fail } from '../../../errors.ts';

/** The server's own directory under dataDir (partial uploads): no client may see or touch it. */
export const META_DIR = '.skywire-files';
export const MAX_PATH = 4096;

export interface ClientPath { rel: string; abs: string }

export const clientPath = (root: string, p: string): ClientPath => {
  if (p.length > MAX_PATH) fail('BAD_REQUEST', `path is ${p.length} characters; at most ${MAX_PATH}`);
  if (p.includes('\0')) fail('PATH_ESCAPE', 'path contains a NUL byte');
  if (p.startsWith('/') || p.startsWith('\\')) fail('PATH_ESCAPE', `"${p}" is absolute: paths are relative to the app's data directory, e.g. "docs/a.txt"`);
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  if (parts.includes('..')) fail('PATH_ESCAPE', `"${p}" contains "..": paths must stay inside the data directory`);
  if (parts[0] === META_DIR) fail('PATH_ESCAPE', `"${p}" is the server's staging directory, which clients cannot use`);
  return { rel: parts.join('/'), abs: join(root, ...parts) };
};

/** True when `real` (a realpath) is inside the client's part of `rootReal`. */
export const inside = (rootReal: string, real: string): boolean =>
  real === rootReal || (real.startsWith(rootReal + sep) && !(real + sep).startsWith(join(rootReal, META_DIR) + sep));

const code = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

/** The real path of an existing entry, symlinks followed; PATH_ESCAPE if it leads outside. */
export const existingPath = async (rootReal: string, p: ClientPath): Promise<string> => {
  let real: string;
  try {
    real = await realpath(p.abs);
  } catch (e) {
    if (code(e) !== 'ENOENT' && code(e) !== 'ENOTDIR') throw e;
    const link = await lstat(p.abs).then((s) => s.isSymbolicLink(), () => false);
    return link ? fail('PATH_ESCAPE', `"${p.rel}" is a symlink that leads nowhere inside the data directory`) : fail('FS_NOT_FOUND', `"${p.rel}" does not exist`);
  }
  if (!inside(rootReal, real)) fail('PATH_ESCAPE', `"${p.rel}" leads outside the data directory (through a symlink)`);
  return real;
};

/** Where to create or replace the entry `p`: its name inside the real parent directory. The
 *  parent must exist inside; an existing entry must itself resolve inside (a symlink to /etc
 *  is never a way out). */
export const creatablePath = async (rootReal: string, p: ClientPath): Promise<string> => {
  if (p.rel === '') fail('BAD_REQUEST', 'the data directory itself cannot be created, replaced or deleted');
  const parentRel = dirname(p.rel) === '.' ? '' : dirname(p.rel);
  const parent = await existingPath(rootReal, { rel: parentRel, abs: dirname(p.abs) }).catch((e: { code?: string }) =>
    e.code === 'FS_NOT_FOUND' ? fail('FS_NOT_FOUND', `the directory "${parentRel || '/'}" does not exist; create it first (mkdir)`) : Promise.reject(e));
  const target = join(parent, basename(p.abs));
  const present = await lstat(target).then(() => true, (e: unknown) => (code(e) === 'ENOENT' ? false : Promise.reject(e)));
  if (present) await existingPath(rootReal, { rel: p.rel, abs: target });
  return target;
};
