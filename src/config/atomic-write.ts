// Replaces a file so that a crash at any instant leaves the old or the new content, never a torn
// mix: write a temp file next to it, fsync it, rename over the target, fsync the directory.
// A failed write (ENOSPC, EIO) removes its temp file: a half-written copy on a full disk would
// hold on to the very space a retry needs, and the error (with its errno) goes to the caller.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export const writeFileAtomic = (path: string, text: string | Uint8Array, mode = 0o600): void => {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'w', mode);
    try {
      const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
      for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  const dfd = openSync(dir, 'r');
  try { fsyncSync(dfd); } finally { closeSync(dfd); }
};
