// Reads the parts of an app directory that go into a bundle or archive as tar entries, in the
// one order that does not depend on the filesystem: bytewise by stored name. Only the
// executable bit survives from the mode, so a checkout made under another umask, at another
// time or in another directory gives the same entries.
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fail, isSkywireError } from '../errors.ts';
import { checkEntryPath, type TarFormat } from './bundle-format.ts';
import type { TarEntry } from './bundle-tar.ts';

const kindOf = (s: import('node:fs').Stats): string =>
  s.isSymbolicLink() ? 'a symbolic link' : s.isFIFO() ? 'a FIFO' : s.isSocket() ? 'a socket' : 'a device';

const walk = async (root: string, rel: string, format: TarFormat, out: TarEntry[]): Promise<void> => {
  const abs = join(root, ...rel.split('/'));
  const s = await lstat(abs);
  if (s.isDirectory()) {
    out.push({ type: 'dir', path: checkEntryPath(rel, 'dir', format) });
    for (const name of await readdir(abs)) await walk(root, `${rel}/${name}`, format, out);
  } else if (s.isFile()) {
    out.push({ type: 'file', path: checkEntryPath(rel, 'file', format), exec: (s.mode & 0o100) !== 0, bytes: await readFile(abs), ...(format.keepMtimes ? { mtimeS: Math.floor(s.mtimeMs / 1000) } : {}) });
  } else {
    fail('BUNDLE_INVALID', `${abs} is ${kindOf(s)}: an app ${format.label} holds only regular files and directories (replace a link with a copy of its target, or delete it)`);
  }
};

const storedName = (e: TarEntry): Buffer => Buffer.from(e.type === 'dir' ? `${e.path}/` : e.path);

/** Entries for each of `tops` (top-level directories of `root`) that exists, sorted. */
export const readTree = async (root: string, tops: readonly string[], format: TarFormat): Promise<TarEntry[]> => {
  const out: TarEntry[] = [];
  try {
    for (const top of tops) {
      const s = await lstat(join(root, top)).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
      if (s) await walk(root, top, format, out);
    }
  } catch (e) {
    if (isSkywireError(e)) throw e;
    fail('APP_INVALID', `cannot read the app directory: ${(e as Error).message} (check that the files are readable)`);
  }
  return out.sort((a, b) => Buffer.compare(storedName(a), storedName(b)));
};
