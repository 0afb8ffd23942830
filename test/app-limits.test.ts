// The sandbox's limits with real bubblewrap, real cgroups and real processes (the node's own
// side, spawnSandboxed, without a node; test/app-limits-node.test.ts runs them in a node): the
// app's host uid is not 0 and is its own, the seccomp filter refuses what it lists while an
// unfiltered process may do the same, a fork bomb stops at pids.max, a memory hog is killed at
// its memory limit, a growing file stops at the disk quota.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cgroupSelf } from '../src/env/cgroup-mounts.ts';
import { join } from 'node:path';
import { spawnSandboxed, type SandboxedProcess } from '../src/env/sandbox-spawn.ts';
import { listenAppSocket, type AppSocket } from '../src/env/app-socket-listen.ts';
import { seccompBytes, X86_64, AARCH64, ARM, DENIED_CALLS } from '../src/env/seccomp-filter.ts';
import { APP_UID_BASE } from '../src/env/sandbox-user.ts';
import { collect, report, sdkBundle, writeApp, type TestApp } from './helpers/app-fixtures.ts';

const home = mkdtempSync('/var/tmp/sky-limits-');
const sockets: AppSocket[] = [];
test.after.always(async () => {
  for (const s of sockets) await s.close();
  rmSync(home, { recursive: true, force: true });
});

const app = async (name: string, main: string, limits: Record<string, number> = {}): Promise<TestApp> => {
  const a = writeApp(home, { name, limits }, { 'main.mjs': main });
  sockets.push(await listenAppSocket(a.paths.socket, (s) => s.end()));
  return a;
};
const run = async (a: TestApp, ms = 60_000) => {
  const proc: SandboxedProcess = spawnSandboxed({ paths: a.paths, manifest: a.manifest, sdkFile: await sdkBundle() });
  const exited = await collect(proc, ms);
  return { ...exited, sandbox: proc.sandbox, events: await proc.sandbox.finished };
};

// Syscalls through python3's ctypes (Node has no raw syscall): each prints NAME=errno, 0 when
// the call succeeded. The same script runs outside the sandbox as the control.
const SYSCALLS = String.raw`
import ctypes, os, platform, json
libc = ctypes.CDLL(None, use_errno=True)
nr = {'x86_64': {'ptrace': 101, 'unshare': 272, 'keyctl': 250, 'mount': 165, 'personality': 135},
      'aarch64': {'ptrace': 117, 'unshare': 97, 'keyctl': 219, 'mount': 40, 'personality': 92}}[platform.machine()]
r = {}
def call(name, *args):
    ctypes.set_errno(0)
    res = libc.syscall(nr[name], *args)
    r[name] = 0 if res >= 0 else ctypes.get_errno()
pid = os.fork()
if pid == 0:
    call('ptrace', 0, 0, 0, 0)  # PTRACE_TRACEME: allowed to any process without a filter
    os._exit(r['ptrace'])
r['ptrace'] = os.waitpid(pid, 0)[1] >> 8
call('unshare', 0x10000000)      # CLONE_NEWUSER: allowed unprivileged without a filter
call('keyctl', 0, -3, 0)         # KEYCTL_GET_KEYRING_ID of the session keyring
call('personality', 0xffffffff)  # query only: not on the list, must work
r['uid'] = os.getuid()
print(json.dumps(r))
`;

test.serial('the app runs as its own unprivileged host uid, and the seccomp filter refuses ptrace, unshare and keyctl', async (t) => {
  t.is(process.getuid?.(), 0, 'the node runs as root here, as on a Pi');
  const a = await app('probe', `
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
const py = execFileSync('/usr/bin/python3', ['-c', ${JSON.stringify(SYSCALLS)}], { encoding: 'utf8' });
let unshareCli;
try { execFileSync('/usr/bin/unshare', ['--user', '--map-root-user', 'true'], { stdio: 'pipe' }); unshareCli = 'ok'; } catch (e) { unshareCli = String(e.stderr).trim(); }
const status = fs.readFileSync('/proc/self/status', 'utf8');
console.log(JSON.stringify({ py: JSON.parse(py), uid: process.getuid(), gid: process.getgid(), unshareCli, seccomp: /Seccomp:\\s+(\\d)/.exec(status)[1], capEff: /CapEff:\\s+(\\w+)/.exec(status)[1], dataOwner: fs.statSync(process.env.SKYWIRE_APP_DATA).uid }));
`);
  const r = await run(a);
  t.is(r.code, 0, r.stderr);
  const out = report<{ py: Record<string, number>; uid: number; gid: number; unshareCli: string; seccomp: string; capEff: string; dataOwner: number }>(r);
  t.not(out.uid, 0);
  t.true(out.uid >= APP_UID_BASE, `uid ${out.uid} is in the per-app range`);
  t.is(out.gid, out.uid);
  t.is(r.sandbox.uid, out.uid, 'the host sees the same uid (no user namespace mapping in between)');
  t.is(out.dataOwner, out.uid, 'data/ belongs to the app');
  t.is(statSync(a.paths.data).mode & 0o777, 0o700, 'and no other uid may enter it');
  t.is(out.capEff, '0000000000000000', 'no capabilities');
  t.is(out.seccomp, '2', 'a seccomp filter is in force');
  const EPERM = 1;
  t.like(out.py, { ptrace: EPERM, unshare: EPERM, keyctl: EPERM, personality: 0, uid: out.uid });
  t.regex(out.unshareCli, /Operation not permitted/);
  // The control: the same calls without the filter succeed, so it is the filter that refuses.
  const control = JSON.parse(spawnSync('/usr/bin/python3', ['-c', SYSCALLS], { encoding: 'utf8' }).stdout) as Record<string, number>;
  t.like(control, { ptrace: 0, unshare: 0, keyctl: 0, personality: 0 });
  // Another app gets another uid, and cannot enter this one's data/ even by its host path.
  const r2 = await run(await app('peek', `
import fs from 'node:fs';
let peek; try { fs.readdirSync(${JSON.stringify(a.paths.data)}); peek = 'ok'; } catch (e) { peek = e.code; }
console.log(JSON.stringify({ uid: process.getuid(), peek }));
`));
  const o2 = report<{ uid: number; peek: string }>(r2);
  t.not(o2.uid, out.uid);
  t.is(o2.peek, 'ENOENT', 'the host path does not exist in its sandbox');
});

test.serial('the filter is well formed, with a number for every listed call on each architecture', (t) => {
  const bytes = seccompBytes();
  t.is(bytes.length % 8, 0);
  t.true(bytes.length / 8 < 4096);
  for (const table of [X86_64, AARCH64, ARM]) t.deepEqual(DENIED_CALLS.filter((c) => table.deny[c] === undefined), [], 'every denied call has a number on each arch');
});

/** A classic-BPF interpreter for the five instructions the filter uses, over a seccomp_data. */
const runFilter = (prog: Buffer, arch: number, nr: number, arg0 = 0): number => {
  let a = 0;
  for (let pc = 0; pc < prog.length / 8; pc++) {
    const code = prog.readUInt16LE(pc * 8), jt = prog[pc * 8 + 2]!, jf = prog[pc * 8 + 3]!, k = prog.readUInt32LE(pc * 8 + 4);
    if (code === 0x20) a = k === 0 ? nr : k === 4 ? arch : k === 16 ? arg0 : NaN;
    else if (code === 0x15) pc += a === k ? jt : jf;
    else if (code === 0x35) pc += a >= k ? jt : jf;
    else if (code === 0x45) pc += (a & k) !== 0 ? jt : jf;
    else if (code === 0x06) return k;
    else throw new Error(`unexpected instruction ${code}`);
  }
  throw new Error('fell off the end');
};

test.serial('the filter, run instruction by instruction for each architecture: listed calls EPERM, others allowed, clone only without namespace flags', (t) => {
  const prog = seccompBytes();
  const ALLOW = 0x7fff0000, EPERM = 0x00050001, ENOSYS = 0x00050026, KILL = 0x80000000;
  // read, write, openat and the like on each arch (none on the list).
  const ordinary = { [X86_64.arch]: [0, 1, 2, 3, 9, 57, 59, 231, 257], [AARCH64.arch]: [56, 57, 63, 64, 93, 221, 222], [ARM.arch]: [3, 4, 5, 6, 11, 190, 322] };
  for (const table of [X86_64, AARCH64, ARM]) {
    for (const [name, nr] of Object.entries(table.deny)) t.is(runFilter(prog, table.arch, nr), EPERM, `${name} on ${table.arch.toString(16)}`);
    for (const nr of ordinary[table.arch]!) t.is(runFilter(prog, table.arch, nr), ALLOW, `${nr} on ${table.arch.toString(16)}`);
    t.is(runFilter(prog, table.arch, table.clone, 0x01200011), ALLOW, 'clone for fork/threads');
    t.is(runFilter(prog, table.arch, table.clone, 0x10000000 | 0x11), EPERM, 'clone with CLONE_NEWUSER');
    t.is(runFilter(prog, table.arch, table.clone, 0x40000000), EPERM, 'clone with CLONE_NEWNET');
    t.is(runFilter(prog, table.arch, table.clone3), ENOSYS, 'clone3: libc falls back to clone');
  }
  t.is(runFilter(prog, X86_64.arch, 0x40000000 + 1), KILL, 'the x32 ABI');
  t.is(runFilter(prog, 0x40000003, 1), KILL, 'an architecture without a table (i386)');
});

test.serial('a fork bomb stops at pids.max; the node can still fork', async (t) => {
  const a = await app('forkbomb', `
import { spawn } from 'node:child_process';
// 300 processes that stay: every one that could be forked is still there when the next is tried.
let forked = 0, failed = 0;
const kids = [];
for (let i = 0; i < 300; i++) {
  await new Promise((res) => {
    try {
      const c = spawn('/bin/sleep', ['30'], { stdio: 'ignore' });
      kids.push(c);
      c.once('spawn', () => { forked++; res(); });
      c.once('error', () => { failed++; res(); });
    } catch { failed++; res(); }
  });
}
for (const c of kids) c.kill('SIGKILL');
console.log(JSON.stringify({ forked, failed }));
`, { pids: 32 });
  const r = await run(a);
  const out = report<{ forked: number; failed: number }>(r);
  t.true(out.forked < 32, `${out.forked} of 300 forks succeeded under pids.max 32`);
  t.is(out.forked + out.failed, 300);
  t.log(`forks: ${out.forked} succeeded, ${out.failed} refused; kernel count ${r.events!.pidsRefused}`);
  t.true(r.events!.pidsRefused > 0, `the kernel counted ${r.events!.pidsRefused} refused forks`);
  t.is(spawnSync('/bin/true').status, 0, 'the node forks as usual');
});

test.serial('a memory hog is killed at its memory limit', async (t) => {
  const a = await app('memhog', `
const keep = [];
for (let i = 0; i < 200; i++) { keep.push(Buffer.alloc(4 * 1024 * 1024, 1)); if (i % 8 === 0) console.log('MiB', (i + 1) * 4); }
console.log(JSON.stringify({ survived: true }));
`, { memoryMiB: 96 });
  const r = await run(a);
  t.not(r.code, 0, 'it did not get its 800 MiB');
  t.notRegex(r.stdout, /survived/);
  t.true(r.events!.oomKills > 0, `OOM kills counted: ${r.events!.oomKills}`);
  t.log(`memory hog: ${r.stdout.trim().split('\n').at(-1)} before the OOM kill (${r.signal ?? r.code})`);
});

test.serial('a file growing past the disk quota stops there (RLIMIT_FSIZE)', async (t) => {
  const a = await app('bigfile', `
import fs from 'node:fs';
const fd = fs.openSync(process.env.SKYWIRE_APP_DATA + '/big', 'w');
const mib = Buffer.alloc(1024 * 1024, 7);
let n = 0;
try { for (; n < 64; n++) fs.writeSync(fd, mib); } catch (e) { console.log(JSON.stringify({ n, code: e.code })); }
`, { diskMiB: 4 });
  const r = await run(a);
  // Node leaves SIGXFSZ ignored, so the write fails with EFBIG instead of the signal killing it.
  t.true(r.signal === 'SIGXFSZ' || report<{ code: string }>(r).code === 'EFBIG', `${r.signal} ${r.stdout}`);
  t.true(statSync(join(a.paths.data, 'big')).size <= 4 * 1024 * 1024);
});

test.serial('a CPU hog is throttled at its CPU share', async (t) => {
  const a = await app('spinner', `
// A fixed amount of CPU, not of wall time: on a loaded machine it still needs its 300 ms.
let x = 0;
while (process.cpuUsage().user < 300_000) for (let i = 0; i < 1e6; i++) x += i; // check rarely: the check itself is a syscall
console.log(JSON.stringify({ done: x > 0 }));
`, { cpuPercent: 10 });
  const r = await run(a);
  t.is(r.code, 0, r.stderr);
  t.true(r.events!.throttled > 0, `throttled ${r.events!.throttled} periods at 10 %`);
});

test.serial('a node that is not root cannot limit its apps: the start is refused, or runs marked weak when allowed', async (t) => {
  const helper = join(process.cwd(), 'test', 'helpers', 'app-limits-unprivileged.ts');
  const r = spawnSync('setpriv', ['--reuid', '4242', '--regid', '4242', '--clear-groups', '--', process.execPath, '--import', 'tsx', helper], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, HOME: '/tmp', TMPDIR: '/tmp' } });
  t.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { nodeUid: number; strict: { code: string; message: string }; weak: string[]; limits: string; app: { uid: number; seccomp: string } };
  t.is(out.nodeUid, 4242);
  t.is(out.strict.code, 'SANDBOX_UNAVAILABLE');
  t.regex(out.strict.message, /no cgroup hierarchy is writable/);
  t.regex(out.strict.message, /allowWeakSandbox/);
  t.is(out.limits, 'none');
  t.true(out.weak.some((w) => w.startsWith('no pids/memory/CPU limits')));
  t.true(out.weak.some((w) => /not root/.test(w)));
  t.deepEqual(out.app, { uid: 1000, seccomp: '2' }, 'still bubblewrap: a user namespace and the seccomp filter');
});

test.serial('the cgroups are gone after the app exits', async (t) => {
  const a = await app('short', 'console.log(JSON.stringify({ cg: (await import("node:fs")).readFileSync("/proc/self/cgroup", "utf8") }));');
  const r = await run(a);
  t.is(r.code, 0, r.stderr);
  t.is(r.sandbox.limits, 'cgroup v1');
  t.regex(report<{ cg: string }>(r).cg, /pids:\/\n/, 'inside, its own cgroup namespace shows its group as the root');
  const self = cgroupSelf();
  const left = ['pids', 'memory', 'cpu'].flatMap((c) => readdirSync(self.v1[c]!.dir).filter((n) => n.includes('-short-')));
  t.deepEqual(left, []);
});
