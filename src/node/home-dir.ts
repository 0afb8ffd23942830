// The node's home directory: which one (one default for every command), making it, and saying
// clearly why it cannot be used. Node's own errors here are EACCES/EEXIST stack traces, and
// mkdirSync(recursive) under /proc loops forever, so the path is walked by hand.
import { accessSync, closeSync, constants, mkdirSync, openSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { SkywireError } from '../errors.ts';

/** The system home of a packaged node (packaging/skywire.service). */
export const SYSTEM_HOME = '/var/lib/skywire';

/** --home's default for every command: $SKYWIRE_HOME, else the system home. */
export const defaultHome = (): string => process.env.SKYWIRE_HOME || SYSTEM_HOME;

const who = (): string => {
  try { return userInfo().username; } catch { return `uid ${process.getuid?.() ?? '?'}`; }
};

/** "owner:group" of a path by name where /etc/passwd and /etc/group know them. */
export const ownerOf = (path: string): { user: string; group: string } => {
  const st = statSync(path);
  const name = (file: string, id: number): string => {
    try {
      const line = readFileSync(file, 'utf8').split('\n').find((l) => l.split(':')[2] === String(id));
      return line?.split(':')[0] ?? String(id);
    } catch { return String(id); }
  };
  return { user: name('/etc/passwd', st.uid), group: name('/etc/group', st.gid) };
};

/** The one line for a home this user may not use, with the way in. */
export const homePermissionError = (home: string, errno: string): SkywireError => {
  let how: string;
  try {
    const o = ownerOf(home);
    // Joining the group helps only where the group may enter the home (the packaged unit makes
    // it 0750 and the control socket 0660); a private home (0700) needs its owner.
    const groupMay = (statSync(home).mode & 0o050) === 0o050 && o.group !== 'root';
    how = ` (owned by ${o.user}:${o.group}); ${groupMay ? `join its group: sudo usermod -aG ${o.group} ${who()} and log in again, or ` : ''}run the command as its owner: sudo -u ${o.user} skywire ... --home ${home}`;
  } catch {
    how = `; fix the permissions of ${dirname(home)}, or choose another home with --home DIR or SKYWIRE_HOME`;
  }
  return new SkywireError('HOME_PERMISSION', `${who()} may not use ${home} (${errno})${how}`);
};

const nearestExisting = (dir: string): string => {
  let d = dir;
  for (;;) {
    try { statSync(d); return d; } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // ENOTDIR: a file on the way; walk up to it and say so below.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw ioError(d, code);
    }
    const up = dirname(d);
    if (up === d) return d;
    d = up;
  }
};

const ioError = (path: string, code: string | undefined): SkywireError => {
  if (code === 'EACCES' || code === 'EPERM') return homePermissionError(path, code);
  if (code === 'ENOTDIR') return new SkywireError('HOME_INVALID', `${path} is not a directory (ENOTDIR): a node's home must be a directory; choose another with --home DIR`);
  if (code === 'ENOSPC' || code === 'EDQUOT') return new SkywireError('WRITE_FAILED', `cannot create ${path} (${code}): the disk is full; free space and try again`);
  if (code === 'EROFS') return new SkywireError('HOME_INVALID', `cannot create ${path} (EROFS): that file system is read-only; choose a home on a writable disk with --home DIR`);
  return new SkywireError('HOME_INVALID', `cannot use ${path} as a home (${code ?? 'error'}): choose another with --home DIR`);
};

/**
 * Makes HOME (mode 0700) and the directories above it that are missing, and checks this user can
 * write it. Every failure is one SkywireError naming the path, the errno and the fix.
 */
export const prepareHome = (home: string): string => {
  const abs = resolve(home);
  const base = nearestExisting(abs);
  if (!statSync(base).isDirectory()) {
    throw new SkywireError('HOME_INVALID', `${base} is a file, not a directory: a node's home must be a directory; choose another with --home DIR`);
  }
  // Create the missing tail one level at a time (never recursive: see the header).
  const missing: string[] = [];
  for (let d = abs; d !== base; d = dirname(d)) missing.unshift(d);
  for (const d of missing) {
    try { mkdirSync(d, { mode: 0o700 }); } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new SkywireError('HOME_INVALID', `cannot create ${d} (ENOENT): ${base} does not hold new directories (like /proc or /sys); choose a home on a normal disk with --home DIR`);
      if (code !== 'EEXIST') throw ioError(d, code);
    }
    // A pseudo file system (/proc, /sys) says yes to mkdir and then has no such directory.
    try { if (!statSync(d).isDirectory()) throw ioError(d, 'ENOTDIR'); } catch (e) {
      if (e instanceof SkywireError) throw e;
      throw new SkywireError('HOME_INVALID', `cannot create a directory at ${d} (${(e as NodeJS.ErrnoException).code}): choose a home on a normal disk with --home DIR`);
    }
  }
  try { accessSync(abs, constants.W_OK | constants.X_OK); } catch (e) { throw ioError(abs, (e as NodeJS.ErrnoException).code); }
  // access(2) says yes to root on a read-only mount: creating a file says the truth. A full disk
  // is not a reason to refuse: the node starts and reports it (src/node/disk-health.ts).
  const probe = join(abs, `.write-probe.${process.pid}`);
  try {
    closeSync(openSync(probe, 'wx', 0o600));
    unlinkSync(probe);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    try { unlinkSync(probe); } catch { /* never made */ }
    if (code !== 'ENOSPC' && code !== 'EDQUOT') throw ioError(abs, code);
  }
  return abs;
};
