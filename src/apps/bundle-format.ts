// The byte format shared by app bundles (deploy) and app archives (backup, move): POSIX ustar,
// uncompressed, written by bundle-tar.ts so that the bytes depend only on paths, contents and
// the executable bit. Why uncompressed: a bundle is named by its sha256, and deflate output is
// not stable across zlib builds (Node ships Chromium's zlib, whose match finder depends on the
// CPU and changes between releases; Node's maintainers say not to rely on it). A gzip-wrapped
// bundle is still accepted on extraction (bundle-inflate.ts) and keeps the same identity.
// Why no links: a symlink or hard link in an app tree is either a packaging accident (npm's
// node_modules/.bin) or a way out of the app directory; refusing them is simpler to audit than
// checking that each one stays inside the tree.
import { fail } from '../errors.ts';

export interface TarFormat {
  /** Name of the first entry, whose content is FORMAT_VERSION. */
  marker: string;
  /** The only top-level directories an entry may be under. */
  roots: readonly string[];
  /** "bundle" or "archive", for messages. */
  label: string;
  /** Files keep their modification times (an archive is a backup); a bundle stores the epoch,
   *  so its bytes depend only on the contents. */
  keepMtimes: boolean;
}

export const FORMAT_VERSION = '1\n';

export const BUNDLE_FORMAT: TarFormat = Object.freeze({ marker: 'SKYWIRE-BUNDLE', roots: Object.freeze(['src', 'config']), label: 'bundle', keepMtimes: false });

/** "Skywire app archive v1": the same ustar rules as a bundle, with the app's data/ as well. */
export const ARCHIVE_FORMAT: TarFormat = Object.freeze({ marker: 'SKYWIRE-ARCHIVE', roots: Object.freeze(['src', 'config', 'data']), label: 'archive', keepMtimes: true });

export interface Limits {
  /** Total bytes of file contents. */
  maxBytes: number;
  /** Entries (files and directories). */
  maxFiles: number;
}

export const DEFAULT_LIMITS: Limits = Object.freeze({ maxBytes: 512 * 1024 * 1024, maxFiles: 100_000 });

/** Upper bound of a well-formed tar holding `limits`: per entry one header block and at most
 *  one block of padding, plus the marker entry and the two end blocks. */
export const tarSizeBound = (limits: Limits): number => limits.maxBytes + (limits.maxFiles + 3) * 1024;

/** Every stored mtime: the bytes must not depend on when or where a tree was checked out. */
export const fixedMtime = (): Date => new Date(0);

export const fileMode = (exec: boolean): number => (exec ? 0o755 : 0o644);
export const DIR_MODE = 0o755;

/** Checks an entry path ("src/lib/a.js", no trailing slash) against the format's rules, the
 *  same on the way in (build) and on the way out (extract). Names are quoted as JSON in
 *  messages: a hostile name with a newline must not forge a second line of output. */
export const checkEntryPath = (path: string, kind: 'file' | 'dir', format: TarFormat): string => {
  const refuse = (why: string): never => fail('BUNDLE_INVALID', `${format.label}: entry ${JSON.stringify(path)}: ${why}`);
  if (path.startsWith('/')) refuse('absolute paths are not allowed; entries are relative to the app directory');
  if (/[\0\\]/.test(path)) refuse('NUL and backslash are not allowed in entry names');
  const parts = path.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) refuse('empty, "." and ".." path components are not allowed');
  if (!format.roots.includes(parts[0]!)) refuse(`only ${format.roots.map((r) => `${r}/`).join(', ')} may be in an app ${format.label}`);
  if (kind === 'file' && parts.length === 1) refuse(`${parts[0]} must be a directory`);
  return path;
};
