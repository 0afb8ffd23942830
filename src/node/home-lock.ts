// One node per home, decided before anything in the home is read or written: HOME/node.lock is
// created exclusively and holds the owner's pid with its start time and the boot id, so a lock
// left by kill -9 or a power cut is recognised as stale (that pid is gone, or is another
// process now) and taken over, while a live owner makes the second start fail at once.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { SkywireError } from '../errors.ts';

export const LOCK_FILE = 'node.lock';

interface LockBody { pid: number; start: string; boot: string }

const readOr = (file: string): string => {
  try { return readFileSync(file, 'utf8').trim(); } catch { return ''; }
};
const bootId = (): string => readOr('/proc/sys/kernel/random/boot_id');
/** Field 22 of /proc/PID/stat (start time in clock ticks since boot): with the boot id, unique. */
const startTime = (pid: number): string => {
  const stat = readOr(`/proc/${pid}/stat`);
  return stat ? (stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '') : '';
};

const alive = (b: LockBody): boolean => {
  if (b.boot && b.boot !== bootId()) return false;
  try { process.kill(b.pid, 0); } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = startTime(b.pid);
  return !now || !b.start || now === b.start;
};

export interface HomeLock { release(): void }

export const acquireHomeLock = (home: string): HomeLock => {
  const file = join(home, LOCK_FILE);
  const body: LockBody = { pid: process.pid, start: startTime(process.pid), boot: bootId() };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o600);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw Object.assign(e as Error, { lockFile: file });
      let held: LockBody | undefined;
      try { held = JSON.parse(readFileSync(file, 'utf8')) as LockBody; } catch { /* half-written by a crash: stale */ }
      if (held && typeof held.pid === 'number' && alive(held)) {
        throw new SkywireError('NODE_RUNNING', `a node is already running with home ${home} (pid ${held.pid}, ${file}); stop it first (systemctl stop skywire, or kill ${held.pid}), or give this one another --home`);
      }
      try { unlinkSync(file); } catch { /* another start took it over first: try again */ }
      continue;
    }
    // On a full disk the body may not fit: the empty file still marks the home, and the control
    // socket check (src/env/control-server.ts) still refuses a second node; the node must start.
    let written = true;
    try { writeSync(fd, JSON.stringify(body) + '\n'); } catch { written = false; } finally { closeSync(fd); }
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        // Only our own lock: a later owner's file is never removed. One we could not write our
        // pid into (a full disk) is ours as long as it is still empty.
        try {
          const text = readFileSync(file, 'utf8');
          if (written ? (JSON.parse(text) as LockBody).pid === process.pid : text === '') unlinkSync(file);
        } catch { /* gone already */ }
      },
    };
  }
  throw new SkywireError('NODE_RUNNING', `another node keeps taking ${file}; stop the other node on home ${home} first`);
};
