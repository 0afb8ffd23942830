// Reads a bundle or archive tar from untrusted bytes and checks ALL of it before anything is
// written: a refused entry near the end must not leave the start of a tree on disk. Only what
// bundle-tar.ts writes is accepted (the marker first, ustar files and directories); every other
// entry type, path trick or excess is refused with BUNDLE_INVALID naming the entry.
import { Header } from 'tar';
import { fail } from '../errors.ts';
import { checkEntryPath, FORMAT_VERSION, type Limits, type TarFormat } from './bundle-format.ts';
import type { TarEntry } from './bundle-tar.ts';

const BLOCK = 512;

const TYPE_NAMES: Record<string, string> = {
  '1': 'a hard link', '2': 'a symbolic link', '3': 'a character device', '4': 'a block device',
  '6': 'a FIFO', '7': 'a contiguous file', x: 'a pax header', g: 'a global pax header', L: 'a GNU long name', K: 'a GNU long link name',
};

const isZero = (b: Buffer): boolean => b.every((x) => x === 0);

/** node-tar throws a plain Error on a malformed base-256 number; here that is a bad header. */
const decode = (tar: Buffer, off: number): Header | undefined => {
  try {
    return new Header(tar, off);
  } catch {
    return undefined;
  }
};

/** Entries in archive order, the marker checked and left out. */
export const parseTar = (tar: Buffer, format: TarFormat, limits: Limits): TarEntry[] => {
  const refuse = (why: string): never => fail('BUNDLE_INVALID', `${format.label}: ${why}`);
  const entries: TarEntry[] = [];
  const seen = new Set<string>();
  let total = 0;
  let off = 0;
  for (;;) {
    if (off + 2 * BLOCK > tar.length) refuse(`truncated at byte ${tar.length} (no end-of-archive blocks): the ${format.label} is incomplete, copy it again`);
    const block = tar.subarray(off, off + BLOCK);
    if (isZero(block)) {
      if (!isZero(tar.subarray(off + BLOCK))) refuse(`unexpected bytes after the end-of-archive block at byte ${off}`);
      break;
    }
    const h = decode(tar, off);
    if (!h?.cksumValid || tar.toString('latin1', off + 257, off + 263) !== 'ustar\0') refuse(`corrupt header at byte ${off} (bad checksum, bad number or not ustar): the ${format.label} is damaged`);
    const flag = String.fromCharCode(block[156]!);
    const raw = h!.path ?? '';
    const where = `entry ${JSON.stringify(raw)}`;
    const size = h!.size;
    const isDir = flag === '5';
    if (!isDir && flag !== '0' && flag !== '\0') refuse(`${where} is ${TYPE_NAMES[flag] ?? `of unknown type ${JSON.stringify(flag)}`}: only files and directories are allowed`);
    // Header reports 0 for any directory; a body behind one would be read as headers.
    if (isDir && !/^[0 \0]*$/.test(block.toString('latin1', 124, 136))) refuse(`${where} is a directory with a body`);
    if (size === undefined || !Number.isSafeInteger(size)) refuse(`${where} has an unreadable size`);
    const end = off + BLOCK + size!;
    if (end > tar.length) refuse(`${where} is truncated (needs ${size} bytes): the ${format.label} is incomplete, copy it again`);
    const bytes = tar.subarray(off + BLOCK, end);
    off = end + ((BLOCK - (size! % BLOCK)) % BLOCK);
    if (seen.size === 0) {
      checkMarker(raw, bytes, format);
      seen.add(raw);
      continue;
    }
    const path = isDir ? raw.replace(/\/$/, '') : raw;
    checkEntryPath(path, isDir ? 'dir' : 'file', format);
    if (seen.has(path)) refuse(`${where} appears twice`);
    seen.add(path);
    total += size!;
    if (total > limits.maxBytes) refuse(`${where} takes the contents past the limit of ${limits.maxBytes} bytes`);
    if (entries.length >= limits.maxFiles) refuse(`${where} takes the entry count past the limit of ${limits.maxFiles}`);
    const mtime = h!.mtime?.getTime();
    const mtimeS = format.keepMtimes && mtime !== undefined && Number.isFinite(mtime) && mtime >= 0 ? Math.floor(mtime / 1000) : undefined;
    entries.push(isDir ? { type: 'dir', path } : { type: 'file', path, exec: ((h!.mode ?? 0) & 0o100) !== 0, bytes, ...(mtimeS !== undefined ? { mtimeS } : {}) });
  }
  if (seen.size === 0) refuse(`empty: no "${format.marker}" entry, so this is not an app ${format.label}`);
  checkShapes(entries, format);
  return entries;
};

const checkMarker = (name: string, bytes: Buffer, format: TarFormat): void => {
  if (name !== format.marker) {
    const other = name.startsWith('SKYWIRE-') ? `an app ${name.slice(8).toLowerCase()}, ` : '';
    fail('BUNDLE_INVALID', `${format.label}: first entry is ${JSON.stringify(name)}, not "${format.marker}": this is ${other}not an app ${format.label}`);
  }
  const v = bytes.toString('latin1');
  if (v !== FORMAT_VERSION) fail('BUNDLE_INVALID', `${format.label} format version ${JSON.stringify(v.trim().slice(0, 16))} is not supported (this node reads ${FORMAT_VERSION.trim()}): upgrade skywire on this node`);
};

/** A path must not be a file in one entry and a directory (stated or implied) in another. */
const checkShapes = (entries: readonly TarEntry[], format: TarFormat): void => {
  const dirs = new Set<string>();
  for (const e of entries) {
    const parts = e.path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
    if (e.type === 'dir') dirs.add(e.path);
  }
  const clash = entries.find((e) => e.type === 'file' && dirs.has(e.path));
  if (clash) fail('BUNDLE_INVALID', `${format.label}: entry ${JSON.stringify(clash.path)} is both a file and a directory`);
};
