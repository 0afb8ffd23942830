// The per-app group itself, in either layout: created with its limits written, read for what
// the kernel counted, removed after the app. v2 has one directory holding every controller;
// v1 one directory per hierarchy (pids, memory, cpu), which the app joins all of.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CgroupLimits { pids: number; memoryMiB: number; cpuPercent: number }

/** What the kernel counted against the limits: forks refused, OOM kills, CPU throttling. */
export interface CgroupEvents { pidsRefused: number; oomKills: number; throttled: number; pidsPeak: number }

export interface AppCgroup {
  kind: 'v2' | 'v1';
  /** cgroup.procs of every directory the app must join. */
  procsFiles: string[];
  events(): CgroupEvents;
  /** Kills what is left, then removes the directories (retried while the kernel reaps). */
  remove(): Promise<void>;
}

const CPU_PERIOD_US = 100_000;
export const CONTROLLERS = Object.freeze(['pids', 'memory', 'cpu'] as const);
export type Controller = (typeof CONTROLLERS)[number];

export const read = (f: string): string => { try { return readFileSync(f, 'utf8'); } catch { return ''; } };
const counter = (text: string, key: string): number => Number(new RegExp(`^${key} (\\d+)`, 'm').exec(text)?.[1] ?? 0);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const removeDirs = async (dirs: string[], procsFiles: string[]): Promise<void> => {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Stragglers: the app's pid namespace dies with bubblewrap, but be sure before rmdir.
    for (const f of procsFiles) for (const pid of read(f).split('\n').filter(Boolean)) { try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ } }
    const left = dirs.filter((d) => { try { rmdirSync(d); return false; } catch (e) { return (e as NodeJS.ErrnoException).code !== 'ENOENT'; } });
    if (left.length === 0) return;
    dirs = left;
    await sleep(100);
  }
};

export const makeDir = (d: string): void => { mkdirSync(d, { recursive: true }); };

/** A group whose app is alive always holds processes; an empty one older than this was left
 *  by a node that was killed (any node's: homes of killed nodes may never start again). */
const ABANDONED_MS = 60_000;

/** Removes empty groups left behind: this app's earlier ones (same name up to the last dash) at
 *  once, other apps' once abandoned. rmdir refuses a group that still holds processes. */
const sweep = (parent: string, name: string): void => {
  const prefix = name.slice(0, name.lastIndexOf('-') + 1);
  let names: string[] = [];
  try { names = readdirSync(parent); } catch { return; }
  const old = (d: string): boolean => { try { return Date.now() - statSync(d).ctimeMs > ABANDONED_MS; } catch { return false; } };
  for (const n of names.filter((x) => x.startsWith('skywire-') && x !== name && x !== 'skywire-node').slice(0, 200)) {
    const d = join(parent, n);
    if (!n.startsWith(prefix) && !old(d)) continue;
    try { rmdirSync(d); } catch { /* busy or gone */ }
  }
};

export const v2Group = (parent: string) => (name: string, l: CgroupLimits): AppCgroup => {
  const dir = join(parent, name);
  sweep(parent, name);
  makeDir(dir);
  writeFileSync(join(dir, 'pids.max'), String(l.pids));
  writeFileSync(join(dir, 'memory.max'), String(l.memoryMiB * 1024 * 1024));
  // No swapping around the limit: a hog is stopped, not moved to the SD card.
  if (existsSync(join(dir, 'memory.swap.max'))) writeFileSync(join(dir, 'memory.swap.max'), '0');
  writeFileSync(join(dir, 'cpu.max'), `${Math.round((l.cpuPercent / 100) * CPU_PERIOD_US)} ${CPU_PERIOD_US}`);
  const procs = join(dir, 'cgroup.procs');
  return {
    kind: 'v2', procsFiles: [procs],
    events: () => ({
      pidsRefused: counter(read(join(dir, 'pids.events')), 'max'), oomKills: counter(read(join(dir, 'memory.events')), 'oom_kill'),
      throttled: counter(read(join(dir, 'cpu.stat')), 'nr_throttled'), pidsPeak: Number(read(join(dir, 'pids.peak')).trim() || 0),
    }),
    remove: async () => {
      try { writeFileSync(join(dir, 'cgroup.kill'), '1'); } catch { /* older kernel, or gone */ }
      await removeDirs([dir], [procs]);
    },
  };
};

export const v1Group = (parents: Record<Controller, string>) => (name: string, l: CgroupLimits): AppCgroup => {
  const dirs = { pids: join(parents.pids, name), memory: join(parents.memory, name), cpu: join(parents.cpu, name) };
  for (const c of CONTROLLERS) sweep(parents[c], name);
  for (const d of new Set(Object.values(dirs))) makeDir(d);
  writeFileSync(join(dirs.pids, 'pids.max'), String(l.pids));
  const bytes = String(l.memoryMiB * 1024 * 1024);
  // memsw (memory + swap) must stay >= memory: lower memory first when shrinking, then memsw.
  writeFileSync(join(dirs.memory, 'memory.limit_in_bytes'), bytes);
  try { writeFileSync(join(dirs.memory, 'memory.memsw.limit_in_bytes'), bytes); } catch { /* no swap accounting */ }
  writeFileSync(join(dirs.cpu, 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
  writeFileSync(join(dirs.cpu, 'cpu.cfs_quota_us'), String(Math.round((l.cpuPercent / 100) * CPU_PERIOD_US)));
  const procsFiles = [...new Set(Object.values(dirs))].map((d) => join(d, 'cgroup.procs'));
  return {
    kind: 'v1', procsFiles,
    events: () => ({
      pidsRefused: counter(read(join(dirs.pids, 'pids.events')), 'max'), oomKills: counter(read(join(dirs.memory, 'memory.oom_control')), 'oom_kill'),
      throttled: counter(read(join(dirs.cpu, 'cpu.stat')), 'nr_throttled'), pidsPeak: Number(read(join(dirs.pids, 'pids.peak')).trim() || 0),
    }),
    remove: () => removeDirs([...new Set(Object.values(dirs))], procsFiles),
  };
};
