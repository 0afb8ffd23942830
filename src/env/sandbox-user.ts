// The host user an app runs as. A node running as root gives every app its own unprivileged
// uid (= gid), so an app that broke out of its namespaces would still be a stranger to the node
// (uid 0), to every other app and to their files; RLIMIT_NPROC then counts that one app's
// processes. A node running as an ordinary user cannot switch users: its apps run as that user
// (still in a user namespace with no capabilities), which status reports as such.
//
// The uid is derived from the node's home and the app's name, so it is the same on every start
// (data/ stays owned by it) and differs between apps and between nodes on one host. The range
// 0x60000000.. is far above login users (1000..), systemd's dynamic users (61184..65519) and the
// subordinate ranges containers use (100000..).
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, lstatSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

export const APP_UID_BASE = 0x6000_0000;
const APP_UID_SPAN = 1 << 24;

export const appUid = (home: string, name: string): number => {
  const h = createHash('sha256').update(`${realpathSync(home)}\0${name}`).digest();
  return APP_UID_BASE + (h.readUInt32BE(0) % APP_UID_SPAN);
};

/** Entries visited per start at most; a bigger tree is over any disk quota anyway. */
const MAX_ENTRIES = 2_000_000;

const walk = (dir: string, visit: (p: string, isDir: boolean, uid: number, gid: number, mode: number) => void): void => {
  const stack = [dir];
  let n = 0;
  while (stack.length && n < MAX_ENTRIES) {
    const d = stack.pop()!;
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const s = lstatSync(p);
      n++;
      if (s.isSymbolicLink()) continue;
      visit(p, s.isDirectory(), s.uid, s.gid, s.mode);
      if (s.isDirectory()) stack.push(p);
    }
  }
};

/** data/ belongs to the app (0700: no other app's uid may enter); src/ and config/ stay the
 *  node's, group-readable by the app. Only entries that are wrong are changed. data/ and src/
 *  are walked only while their top is wrong: everything the app itself makes under data/ is
 *  its own already, and the node lays out a new src/ (install, update, import) or data/
 *  (import, or a node from before per-app uids) as a whole tree; config/ is small and the
 *  master may push files into it, so it is always walked. */
export const prepareOwnership = (p: { data: string; src: string; config: string }, uid: number): void => {
  const own = (path: string, _isDir: boolean, u: number, g: number): void => { if (u !== uid || g !== uid) chownSync(path, uid, uid); };
  const top = lstatSync(p.data);
  if (top.uid !== uid || top.gid !== uid) {
    walk(p.data, own);
    chownSync(p.data, uid, uid);
  }
  if ((top.mode & 0o777) !== 0o700) chmodSync(p.data, 0o700);
  for (const dir of [p.src, p.config]) {
    if (dir === p.src && lstatSync(dir).gid === uid) continue;
    const readable = (path: string, isDir: boolean, u: number, g: number, mode: number): void => {
      if (g !== uid) chownSync(path, u, uid);
      const want = mode | (isDir ? 0o050 : 0o040);
      if ((mode & 0o7777) !== (want & 0o7777)) chmodSync(path, want & 0o7777);
    };
    // The top last: it marks the tree as done.
    walk(dir, readable);
    const s = lstatSync(dir);
    readable(dir, true, s.uid, s.gid, s.mode);
  }
};
