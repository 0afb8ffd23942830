// Writes the ustar bytes of an app bundle or archive from entries already in order. node-tar's
// Header encodes each header block (octal fields, prefix/name split, checksum); the stream
// around it is written here because node-tar's Pack reads the disk itself and would put back
// what must stay out: readdir order, a hard link for any file whose nlink > 1, the owner's
// umask in modes, and pax headers when a path does not fit.
import { Header } from 'tar';
import { fail } from '../errors.ts';
import { DIR_MODE, fileMode, fixedMtime, FORMAT_VERSION, type TarFormat } from './bundle-format.ts';

export type TarEntry =
  | { type: 'dir'; path: string }
  | { type: 'file'; path: string; exec: boolean; bytes: Buffer; /** whole seconds, archives only */ mtimeS?: number };

const BLOCK = 512;

const headerBlock = (e: TarEntry, format: TarFormat): Buffer => {
  const name = e.type === 'dir' ? `${e.path}/` : e.path;
  const size = e.type === 'file' ? e.bytes.length : 0;
  const h = new Header({
    path: name,
    mode: e.type === 'dir' ? DIR_MODE : fileMode(e.exec),
    uid: 0,
    gid: 0,
    uname: '',
    gname: '',
    size,
    mtime: e.type === 'file' && e.mtimeS !== undefined ? new Date(e.mtimeS * 1000) : fixedMtime(),
    type: e.type === 'dir' ? 'Directory' : 'File',
  });
  h.encode();
  // Without pax headers a long path would be silently truncated: refuse it instead. (A long
  // directory name loses its trailing slash to the prefix split; the type flag still says dir.)
  const back = new Header(h.block!);
  if (back.path?.replace(/\/$/, '') !== e.path || back.size !== size) {
    fail('BUNDLE_INVALID', `${format.label}: entry ${JSON.stringify(e.path)} does not fit a ustar header (name part at most 100 bytes, whole path at most 255): shorten the path`);
  }
  return h.block!;
};

/** The whole tar: the format marker first, then `entries` as given (callers sort them). */
export const writeTar = (entries: readonly TarEntry[], format: TarFormat): Buffer => {
  const marker: TarEntry = { type: 'file', path: format.marker, exec: false, bytes: Buffer.from(FORMAT_VERSION) };
  const parts: Buffer[] = [];
  for (const e of [marker, ...entries]) {
    parts.push(headerBlock(e, format));
    if (e.type === 'file' && e.bytes.length > 0) {
      parts.push(e.bytes);
      const pad = (BLOCK - (e.bytes.length % BLOCK)) % BLOCK;
      if (pad) parts.push(Buffer.alloc(pad));
    }
  }
  // End of archive: two zero blocks, and no padding to a 10 KiB record (tar readers do not need it).
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
};
