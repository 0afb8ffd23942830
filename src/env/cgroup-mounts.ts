// Where this process's own control groups are: /proc/self/cgroup names each hierarchy's path,
// /proc/self/mountinfo says where each hierarchy is mounted and which part of it the mount shows
// (inside a cgroup namespace or a container the mount's root is not the hierarchy's root).
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface Hierarchy { mountPoint: string; dir: string }
export interface CgroupSelf { v2?: Hierarchy; v1: Partial<Record<string, Hierarchy>> }

interface Mount { root: string; point: string; fstype: string; options: string[] }

const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

const mounts = (text: string): Mount[] => text.split('\n').filter(Boolean).flatMap((line) => {
  const [left, right] = line.split(' - ');
  if (!left || !right) return [];
  const f = left.split(' ');
  const [fstype, , superOpts] = right.split(' ');
  if (fstype !== 'cgroup' && fstype !== 'cgroup2') return [];
  return [{ root: unescape(f[3] ?? '/'), point: unescape(f[4] ?? ''), fstype, options: (superOpts ?? '').split(',') }];
});

const place = (m: Mount, path: string): Hierarchy => {
  const rel = relative(m.root, path);
  // The group is outside what this mount shows (another namespace): use the mount's top.
  return { mountPoint: m.point, dir: rel.startsWith('..') ? m.point : join(m.point, rel) };
};

export const cgroupSelf = (mountinfo = readFileSync('/proc/self/mountinfo', 'utf8'), cgroup = readFileSync('/proc/self/cgroup', 'utf8')): CgroupSelf => {
  const all = mounts(mountinfo);
  const out: CgroupSelf = { v1: {} };
  for (const line of cgroup.split('\n').filter(Boolean)) {
    const [id, controllers = '', ...rest] = line.split(':');
    const path = rest.join(':');
    if (id === '0' && controllers === '') {
      const m = all.find((x) => x.fstype === 'cgroup2');
      if (m) out.v2 = place(m, path);
      continue;
    }
    for (const c of controllers.split(',').filter(Boolean)) {
      const m = all.find((x) => x.fstype === 'cgroup' && x.options.includes(c));
      if (m) out.v1[c] = place(m, path);
    }
  }
  return out;
};
