// The cgroup module's two layouts. v1 runs for real in test/app-limits.test.ts (this machine's
// controllers are bound to v1). cgroup v2, what a Pi with systemd has, cannot be mounted with
// controllers beside v1, so its files are checked here on a directory laid out like one: which
// files are written with what, and the fallbacks when controllers are missing.
import test from 'ava';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { probeCgroups, JOIN_SCRIPT, joinWrapper } from '../src/env/cgroup-limits.ts';
import { cgroupSelf } from '../src/env/cgroup-mounts.ts';
import { tmpHome } from './helpers/cli.ts';

const v2Tree = (controllers: string) => {
  const root = tmpHome('cg2');
  const svc = join(root, 'system.slice', 'skywire.service');
  mkdirSync(svc, { recursive: true });
  writeFileSync(join(svc, 'cgroup.controllers'), controllers);
  writeFileSync(join(svc, 'cgroup.subtree_control'), '');
  writeFileSync(join(svc, 'cgroup.procs'), `${process.pid}\n`);
  const mountinfo = `30 25 0:26 / ${root} rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n`;
  return { root, svc, self: cgroupSelf(mountinfo, '0::/system.slice/skywire.service\n') };
};

test('v2: the node\'s own group (from /proc/self/cgroup and mountinfo) gets the controllers enabled and one child per app with pids.max, memory.max, cpu.max', (t) => {
  const { root, svc, self } = v2Tree('cpuset cpu io memory hugetlb pids rdma misc');
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  t.is(self.v2?.dir, svc);
  const s = probeCgroups(self);
  t.is(s.kind, 'v2');
  if (s.kind === 'none') return;
  t.is(readFileSync(join(svc, 'cgroup.subtree_control'), 'utf8'), '+pids +memory +cpu');
  const g = s.create('skywire-abc-app-1', { pids: 64, memoryMiB: 256, cpuPercent: 50 });
  const dir = join(svc, 'skywire-abc-app-1');
  t.is(readFileSync(join(dir, 'pids.max'), 'utf8'), '64');
  t.is(readFileSync(join(dir, 'memory.max'), 'utf8'), String(256 * 1024 * 1024));
  t.is(readFileSync(join(dir, 'cpu.max'), 'utf8'), '50000 100000');
  t.deepEqual(g.procsFiles, [join(dir, 'cgroup.procs')]);
  writeFileSync(join(dir, 'pids.events'), 'max 7\n');
  writeFileSync(join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 3\noom 1\noom_kill 2\n');
  t.like(g.events(), { pidsRefused: 7, oomKills: 2 });
});

test('v2 without the memory controller (bound elsewhere, or not delegated) and no v1: refused with the reason', (t) => {
  const { root, self } = v2Tree('cpu pids');
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const s = probeCgroups(self);
  t.is(s.kind, 'none');
  if (s.kind === 'none') t.regex(s.why, /lacks memory/);
});

test('the join wrapper passes paths as arguments, never as shell text', (t) => {
  const argv = joinWrapper(['/a b/cgroup.procs', '/$(x)/cgroup.procs'], ['/usr/bin/prlimit', '--', 'bwrap']);
  t.deepEqual(argv, ['-c', JOIN_SCRIPT, 'skywire-cgroup-join', '2', '/a b/cgroup.procs', '/$(x)/cgroup.procs', '/usr/bin/prlimit', '--', 'bwrap']);
});

test('the join wrapper writes its own pid, then execs the command as that same process; a failed join runs nothing', (t) => {
  const dir = tmpHome('cgjoin');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const files = [join(dir, 'a b'), join(dir, '$(touch x)')];
  const r = spawnSync('/bin/sh', joinWrapper(files, ['/bin/sh', '-c', 'echo $$']), { encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  for (const f of files) t.is(readFileSync(f, 'utf8').trim(), r.stdout.trim(), 'the exec\'d command is the process that joined');
  const bad = spawnSync('/bin/sh', joinWrapper([join(dir, 'missing', 'cgroup.procs')], ['/bin/echo', 'ran']), { encoding: 'utf8' });
  t.is(bad.status, 125);
  t.is(bad.stdout, '');
});
