// One control group per running app, holding its pids, memory and CPU limits. cgroup v2 is
// preferred (pids.max, memory.max, cpu.max in one directory); where the controllers are bound
// to v1 hierarchies instead (this CI machine, older kernels), one directory per hierarchy
// (pids.max, memory.limit_in_bytes, cpu.cfs_quota_us). Groups are made below the node's own
// group, never at the root, so they nest inside whatever limits the node itself runs under
// (a systemd unit, a container) instead of escaping them.
//
// The process joins before it runs anything: the sandbox is started through a wrapper that
// writes its own pid into each cgroup.procs and then execs bubblewrap (joinWrapper), so no fork
// of the app can happen outside the group.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cgroupSelf, type CgroupSelf, type Hierarchy } from './cgroup-mounts.ts';

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

export type CgroupSupport = { kind: 'v2' | 'v1'; create(name: string, l: CgroupLimits): AppCgroup } | { kind: 'none'; why: string };

const CPU_PERIOD_US = 100_000;
const CONTROLLERS = ['pids', 'memory', 'cpu'] as const;

const read = (f: string): string => { try { return readFileSync(f, 'utf8'); } catch { return ''; } };
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

const makeDir = (d: string): void => { mkdirSync(d, { recursive: true }); };

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

const v2 = (parent: string) => (name: string, l: CgroupLimits): AppCgroup => {
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

const v1 = (parents: Record<(typeof CONTROLLERS)[number], string>) => (name: string, l: CgroupLimits): AppCgroup => {
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

const probeWrite = (parent: string): string | undefined => {
  const d = join(parent, `skywire-probe-${process.pid}`);
  try {
    mkdirSync(d);
    rmdirSync(d);
    return undefined;
  } catch (e) {
    return `${parent}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
};

/** v2 needs the controllers enabled for children of the node's group. A group holding
 *  processes cannot enable them (the "no internal processes" rule) unless it is the root; the
 *  usual delegated layout (systemd Delegate=yes) has only the node in it, which then moves
 *  itself into a leaf beside its apps. */
const v2Parent = (h: Hierarchy): string | string[] => {
  const dir = h.dir;
  const have = read(join(dir, 'cgroup.controllers')).split(/\s+/);
  const missing = CONTROLLERS.filter((c) => !have.includes(c));
  if (missing.length) return [`cgroup v2 at ${dir} lacks ${missing.join(', ')} (bound to v1, or not delegated)`];
  const enable = (): void => writeFileSync(join(dir, 'cgroup.subtree_control'), CONTROLLERS.map((c) => `+${c}`).join(' '));
  try {
    enable();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EBUSY') return [`cgroup v2 at ${dir}: ${(e as NodeJS.ErrnoException).code}`];
    const others = read(join(dir, 'cgroup.procs')).split('\n').filter((p) => p && Number(p) !== process.pid);
    if (others.length) return [`cgroup v2 at ${dir} holds other processes (${others.length}); run the node in its own group (systemd: Delegate=yes)`];
    try {
      makeDir(join(dir, 'skywire-node'));
      writeFileSync(join(dir, 'skywire-node', 'cgroup.procs'), String(process.pid));
      enable();
    } catch (e2) {
      return [`cgroup v2 at ${dir}: ${(e2 as NodeJS.ErrnoException).code}`];
    }
  }
  const bad = probeWrite(dir);
  return bad ? [bad] : dir;
};

/** Which cgroup hierarchy this node can limit its apps with, found once per node. */
export const probeCgroups = (self: CgroupSelf = cgroupSelf()): CgroupSupport => {
  const why: string[] = [];
  if (self.v2) {
    const p = v2Parent(self.v2);
    if (typeof p === 'string') return { kind: 'v2', create: v2(p) };
    why.push(...p);
  }
  const parents: Partial<Record<(typeof CONTROLLERS)[number], string>> = {};
  for (const c of CONTROLLERS) {
    const h = self.v1[c];
    if (!h) { why.push(`no cgroup v1 ${c} hierarchy`); continue; }
    const bad = probeWrite(h.dir);
    if (bad) why.push(bad);
    else parents[c] = h.dir;
  }
  if (parents.pids && parents.memory && parents.cpu) return { kind: 'v1', create: v1(parents as Record<(typeof CONTROLLERS)[number], string>) };
  return { kind: 'none', why: why.join('; ') || 'no cgroup hierarchy is mounted' };
};

/** `sh -c` script: join every group given, then exec the rest of the arguments. The count comes
 *  first so paths never need quoting; a failed join refuses to run the app at all (exit 125). */
export const JOIN_SCRIPT = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n-1)); done; exec "$@"';

export const joinWrapper = (procsFiles: string[], argv: string[]): string[] => ['-c', JOIN_SCRIPT, 'skywire-cgroup-join', String(procsFiles.length), ...procsFiles, ...argv];
