// The node-level disk quota of one app: the bytes under its data/ directory. Two parts, because
// neither alone bounds the disk:
// - RLIMIT_FSIZE (set with prlimit when the sandbox starts, src/env/sandbox-spawn.ts) stops any
//   single file at the quota at once: a write past it fails and the kernel sends SIGXFSZ;
// - this watcher walks data/ every second and kills the app when the total is over the
//   quota (many files each under the limit), and the start check refuses to start an app that
//   is already over it. Between two walks an app can overshoot by what it writes in that time.
// A hard total bound needs the filesystem's help (ext4/xfs project quotas, or a loop-mounted
// image per app); neither is there by default on a Pi's SD card, and an image would change the
// app directory that export and move carry. Each entry costs at least ENTRY_BYTES, so a flood of
// empty files or directories (inodes) counts too.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export const ENTRY_BYTES = 4096;
/** A walk stops counting here: past it the app is over any quota we allow anyway. */
const MAX_ENTRIES = 1_000_000;

export interface Usage { bytes: number; entries: number; truncated: boolean }

/** Allocated bytes (st_blocks, so sparse files count what they use) under dir, not following links. */
export const diskUsage = async (dir: string, stopAt = Number.POSITIVE_INFINITY): Promise<Usage> => {
  const u: Usage = { bytes: 0, entries: 0, truncated: false };
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    let names: string[];
    try { names = await readdir(d); } catch { continue; }
    for (const n of names) {
      const p = join(d, n);
      let s;
      try { s = await lstat(p); } catch { continue; }
      u.entries++;
      u.bytes += Math.max(s.blocks * 512, ENTRY_BYTES);
      if (s.isDirectory()) stack.push(p);
      if (u.entries >= MAX_ENTRIES || u.bytes > stopAt) { u.truncated = true; return u; }
    }
  }
  return u;
};

export interface QuotaWatch { stop(): void }

/** Calls onOver once when data/ grows past quotaBytes; the walks never overlap. */
export const watchQuota = (dir: string, quotaBytes: number, onOver: (u: Usage) => void, everyMs = 1000): QuotaWatch => {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    diskUsage(dir, quotaBytes).then((u) => {
      if (stopped) return;
      if (u.bytes > quotaBytes) { stopped = true; onOver(u); return; }
      timer = setTimeout(tick, everyMs);
    }, () => { if (!stopped) timer = setTimeout(tick, everyMs); });
  };
  timer = setTimeout(tick, everyMs);
  return { stop: () => { stopped = true; if (timer) clearTimeout(timer); } };
};
