// One control group per running app, holding its pids, memory and CPU limits. cgroup v2 is
// preferred (pids.max, memory.max, cpu.max in one directory); where the controllers are bound
// to v1 hierarchies instead (this CI machine, older kernels), one directory per hierarchy
// (pids.max, memory.limit_in_bytes, cpu.cfs_quota_us). Groups are made below the node's own
// group (at a hierarchy's root only where the node itself is), so they nest inside whatever
// limits the node runs under (a systemd unit, a container) instead of escaping them.
//
// The process joins before it runs anything: the sandbox is started through a wrapper that
// writes its own pid into each cgroup.procs and then execs bubblewrap (joinWrapper), so no fork
// of the app can happen outside the group.
import { mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cgroupSelf, type CgroupSelf, type Hierarchy } from './cgroup-mounts.ts';
import { CONTROLLERS, makeDir, read, v1Group, v2Group, type AppCgroup, type CgroupLimits, type Controller } from './cgroup-groups.ts';

export type { AppCgroup, CgroupEvents, CgroupLimits } from './cgroup-groups.ts';

export type CgroupSupport = { kind: 'v2' | 'v1'; create(name: string, l: CgroupLimits): AppCgroup } | { kind: 'none'; why: string };

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

const parentOf = (pid: number): number | undefined => {
  // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
  const stat = read(`/proc/${pid}/stat`);
  const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
};

/** Whether `pid` is `ancestor` or one of its descendants (a process that has ended is not). */
const descendsFrom = (pid: number, ancestor: number): boolean => {
  for (let p: number | undefined = pid, hops = 0; p !== undefined && hops < 64; p = parentOf(p), hops++) if (p === ancestor) return true;
  return false;
};

/** v2 needs the controllers enabled for children of the node's group. A group holding
 *  processes cannot enable them (the "no internal processes" rule) unless it is the root; the
 *  usual delegated layout (systemd Delegate=yes) has only the node in it, which then moves
 *  itself into a leaf beside its apps. */
const v2Parent = (h: Hierarchy): string | string[] => {
  const dir = h.dir;
  const have = read(join(dir, 'cgroup.controllers')).split(/\s+/);
  const missing = CONTROLLERS.filter((c) => !have.includes(c));
  // A Raspberry Pi's kernel leaves memory off unless cmdline.txt says cgroup_enable=memory.
  if (missing.length) return [`cgroup v2 at ${dir} lacks ${missing.join(', ')} (bound to v1, not delegated, or off at boot: on a Raspberry Pi add cgroup_enable=memory to /boot/firmware/cmdline.txt)`];
  const enable = (): void => writeFileSync(join(dir, 'cgroup.subtree_control'), CONTROLLERS.map((c) => `+${c}`).join(' '));
  try {
    enable();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EBUSY') return [`cgroup v2 at ${dir}: ${(e as NodeJS.ErrnoException).code}`];
    // The node's own children (a terminal's shell, esbuild's service) move with it; anything
    // else in the group is not the node's to move.
    const procs = read(join(dir, 'cgroup.procs')).split('\n').filter((p) => p).map(Number);
    const others = procs.filter((p) => read(`/proc/${p}/stat`) !== '' && !descendsFrom(p, process.pid));
    if (others.length) return [`cgroup v2 at ${dir} holds other processes (${others.length}); run the node in its own group (systemd: Delegate=yes)`];
    try {
      makeDir(join(dir, 'skywire-node'));
      for (const p of [process.pid, ...procs.filter((q) => q !== process.pid)]) {
        try {
          writeFileSync(join(dir, 'skywire-node', 'cgroup.procs'), String(p));
        } catch (e3) {
          if ((e3 as NodeJS.ErrnoException).code !== 'ESRCH') throw e3; // a child that ended meanwhile
        }
      }
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
    if (typeof p === 'string') return { kind: 'v2', create: v2Group(p) };
    why.push(...p);
  }
  const parents: Partial<Record<Controller, string>> = {};
  for (const c of CONTROLLERS) {
    const h = self.v1[c];
    if (!h) { why.push(`no cgroup v1 ${c} hierarchy`); continue; }
    const bad = probeWrite(h.dir);
    if (bad) why.push(bad);
    else parents[c] = h.dir;
  }
  if (parents.pids && parents.memory && parents.cpu) return { kind: 'v1', create: v1Group(parents as Record<Controller, string>) };
  return { kind: 'none', why: why.join('; ') || 'no cgroup hierarchy is mounted' };
};

/** `sh -c` script: join every group given, then exec the rest of the arguments. The count comes
 *  first so paths never need quoting; a failed join refuses to run the app at all (exit 125). */
export const JOIN_SCRIPT = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n-1)); done; exec "$@"';

export const joinWrapper = (procsFiles: string[], argv: string[]): string[] => ['-c', JOIN_SCRIPT, 'skywire-cgroup-join', String(procsFiles.length), ...procsFiles, ...argv];
