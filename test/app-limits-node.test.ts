// Hostile apps on one real node process (`skywire node`, apps in bubblewrap under real cgroups):
// a fork bomb, a memory hog, a disk filler and a chatty app each hit their limit while the node
// keeps answering `skywire status` and a well-behaved app beside them keeps running, untouched.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sky, skyDaemon, tmpHome, until } from './helpers/cli.ts';
import { writeApp } from './helpers/app-fixtures.ts';
import { diskUsage } from '../src/env/sandbox-quota.ts';

const MiB = 1024 * 1024;

const STEADY = `
import fs from 'node:fs';
import { connectApp } from 'skywire/app';
const sdk = await connectApp();
let n = 0;
setInterval(() => fs.writeFileSync(sdk.paths.data + '/beats', String(++n)), 100);
await sdk.ready();
`;
// Keeps trying: 300 processes that stay, again and again, for as long as it runs.
const FORKBOMB = `
import { spawn } from 'node:child_process';
import { connectApp } from 'skywire/app';
const sdk = await connectApp();
await sdk.ready();
let forked = 0, failed = 0;
for (;;) {
  await new Promise((res) => {
    try {
      const c = spawn('/bin/sleep', ['600'], { stdio: 'ignore' });
      c.once('spawn', () => { forked++; res(); });
      c.once('error', () => { failed++; res(); });
    } catch { failed++; res(); }
  });
  if ((forked + failed) % 50 === 0) { console.log('forked', forked, 'failed', failed); await new Promise((r) => setTimeout(r, 50)); }
}
`;
const MEMHOG = `
import { connectApp } from 'skywire/app';
const sdk = await connectApp();
await sdk.ready();
const keep = [];
setInterval(() => keep.push(Buffer.alloc(8 * 1024 * 1024, 1)), 20);
`;
// 1 MiB files, each under the file size limit, 10 a second: only the total is over.
const FILLER = `
import fs from 'node:fs';
import { connectApp } from 'skywire/app';
const sdk = await connectApp();
await sdk.ready();
const mib = Buffer.alloc(1024 * 1024, 7);
let i = 0;
setInterval(() => { try { fs.writeFileSync(sdk.paths.data + '/f' + (i++), mib); } catch (e) { console.log(e.code); } }, 100);
`;
const CHATTY = `
import { connectApp } from 'skywire/app';
const sdk = await connectApp();
const line = 'x'.repeat(1023) + '\\n';
for (let i = 0; i < 3 * 1024; i++) process.stdout.write(line);
await sdk.ready();
setInterval(() => undefined, 1000);
`;

interface AppRow { name: string; state: string; restarts: number; sandbox: { uid: number; limits: string; weak: string[]; log: { bytes: number; rotations: number; writeErrors: number; droppedBytes: number }; limitHits: string[]; cgroup?: { pidsRefused: number; oomKills: number } } | null }

test('fork bomb, memory hog, disk filler and chatty app each hit their limit; the node and a steady app go on', async (t) => {
  const home = tmpHome('limits-node');
  // The node is stopped (and waited for: its apps, the disk filler among them, may still be
  // writing) before its home goes; rmSync retries what a late write put back.
  t.teardown(() => rmSync(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }));
  writeApp(home, { name: 'steady' }, { 'main.mjs': STEADY });
  writeApp(home, { name: 'forkbomb', limits: { pids: 32 } }, { 'main.mjs': FORKBOMB });
  writeApp(home, { name: 'memhog', limits: { memoryMiB: 96 } }, { 'main.mjs': MEMHOG });
  writeApp(home, { name: 'filler', limits: { diskMiB: 8 } }, { 'main.mjs': FILLER });
  writeApp(home, { name: 'chatty' }, { 'main.mjs': CHATTY });
  const node = skyDaemon('node', '--home', home, '--listen', '127.0.0.1:0');
  t.teardown(async () => {
    node.proc.kill('SIGTERM');
    const stopped = await Promise.race([node.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 15_000))]);
    if (!stopped) { node.proc.kill('SIGKILL'); await node.exited; }
  });
  const apps = (): AppRow[] => {
    const r = sky('status', '--home', home, '--json');
    if (r.code !== 0) throw new Error(r.stderr);
    return (JSON.parse(r.stdout) as { apps: AppRow[] }).apps;
  };
  const app = (name: string): AppRow => apps().find((a) => a.name === name)!;
  const beats = (): number => Number(readFileSync(join(home, 'apps', 'steady', 'data', 'beats'), 'utf8') || 0);
  await until(() => (app('steady')?.state === 'running' ? true : undefined), 60_000, 'steady running');

  // Fork bomb: held at pids.max while it keeps trying.
  const fb = await until(() => { const a = app('forkbomb'); return (a.sandbox?.cgroup?.pidsRefused ?? 0) > 100 ? a : undefined; }, 60_000, 'forks refused');
  t.is(fb.state, 'running', 'a process that cannot fork is not killed for it');
  t.log(`fork bomb: ${fb.sandbox!.cgroup!.pidsRefused} forks refused at pids.max 32`);

  // Memory hog: OOM-killed, counted, restarted with backoff like any crash.
  await until(() => (node.output().includes('app memhog hit its memory limit (96 MiB)') ? true : undefined), 60_000, 'memory limit hit');
  // The limit is logged just before the exit reaches the lifecycle: wait for the crash count.
  await until(() => (app('memhog').restarts >= 1 ? true : undefined), 30_000, 'memhog counted as crashed');

  // Disk filler: stopped once over its quota, then not started again while still over it.
  await until(() => (node.output().includes('app filler is over its disk quota') ? true : undefined), 60_000, 'disk quota hit');
  await until(() => (node.output().includes('app filler not started: data/ holds') ? true : undefined), 60_000, 'filler refused a start');
  const used = await diskUsage(join(home, 'apps', 'filler', 'data'));
  t.log(`filler: data/ at ${(used.bytes / MiB).toFixed(1)} MiB for a quota of 8 MiB (the watcher walks every second)`);
  t.true(used.bytes < 40 * MiB, 'overshoot is bounded by what it writes between two walks');

  // Chatty: 3 MiB of output, on disk at most 1 MiB in app.log and 1 MiB in app.log.1.
  const logFile = join(home, 'run', 'apps', 'chatty', 'app.log');
  await until(() => (app('chatty').state === 'running' ? true : undefined), 60_000, 'chatty running');
  await until(() => ((app('chatty').sandbox?.log.bytes ?? 0) >= 3 * MiB ? true : undefined), 30_000, 'chatty output written');
  t.true(statSync(logFile).size <= MiB);
  t.true(existsSync(`${logFile}.1`) && statSync(`${logFile}.1`).size <= MiB);
  t.true(app('chatty').sandbox!.log.rotations >= 2);
  t.is(app('chatty').sandbox!.log.writeErrors, 0);
  t.is(app('chatty').sandbox!.log.droppedBytes, 0, 'the pipe was paused, not dropped');

  // Meanwhile: the node answered every status above, and the steady app never stopped.
  const steady = app('steady');
  t.deepEqual([steady.state, steady.restarts], ['running', 0]);
  const before = beats();
  await until(() => (beats() > before + 5 ? true : undefined), 10_000, 'steady keeps beating');
  t.true(steady.sandbox!.uid !== 0 && steady.sandbox!.limits.startsWith('cgroup'));
  t.deepEqual(steady.sandbox!.weak, []);
  t.is(node.proc.exitCode, null, 'the node is still running');
});

// The crash: an app filled the disk, the node's write of its log failed unhandled and
// took the node down. Here the node's home is a real 48 MiB tmpfs and the app's quota is above
// it, so the disk really fills.
const FLOOD = `
import fs from 'node:fs';
import { connectApp } from 'skywire/app';
const sdk = await connectApp();
await sdk.ready();
const mib = Buffer.alloc(1024 * 1024, 7);
let i = 0;
setInterval(() => {
  try { fs.writeFileSync(sdk.paths.data + '/f' + (i++), mib); } catch (e) { for (let k = 0; k < 20; k++) console.log('write failed', e.code, 'x'.repeat(200)); }
}, 20);
`;
const QUIET = `
import { connectApp } from 'skywire/app';
const sdk = await connectApp();
await sdk.ready();
setInterval(() => undefined, 1000);
`;

test('a full disk: the node keeps running and answering, app log write failures are counted and reported', async (t) => {
  const mnt = mkdtempSync('/var/tmp/sky-fulldisk-');
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', mnt], { encoding: 'utf8' });
  t.is(m.status, 0, m.stderr);
  const node = { proc: undefined as undefined | ReturnType<typeof skyDaemon> };
  t.teardown(async () => {
    node.proc?.proc.kill('SIGTERM');
    await node.proc?.exited;
    spawnSync('umount', [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  });
  const home = join(mnt, 'home');
  writeApp(home, { name: 'flood', limits: { diskMiB: 1024 } }, { 'main.mjs': FLOOD });
  writeApp(home, { name: 'quiet' }, { 'main.mjs': QUIET });
  node.proc = skyDaemon('node', '--home', home, '--listen', '127.0.0.1:0');
  const apps = (): AppRow[] => {
    const r = sky('status', '--home', home, '--json');
    if (r.code !== 0) throw new Error(r.stderr);
    return (JSON.parse(r.stdout) as { apps: AppRow[] }).apps;
  };
  await until(() => (apps().find((a) => a.name === 'quiet')?.state === 'running' ? true : undefined), 60_000, 'quiet running');
  await until(() => ((apps().find((a) => a.name === 'flood')?.sandbox?.log.writeErrors ?? 0) > 0 ? true : undefined), 60_000, 'log writes failing');
  const d = node.proc;
  await until(() => (/app flood: app log .*app\.log: write failed \(ENOSPC\)/.test(d.output()) ? true : undefined), 30_000, 'the failure in the node\'s log');
  t.is(spawnSync('df', ['--output=avail', '-B1', mnt], { encoding: 'utf8' }).stdout.trim().split('\n').at(-1)?.trim(), '0', 'the disk is really full');
  // Still answering, still running the other app, several seconds into the full disk.
  await new Promise((r) => setTimeout(r, 3000));
  const quiet = apps().find((a) => a.name === 'quiet')!;
  t.deepEqual([quiet.state, quiet.restarts], ['running', 0]);
  t.is(node.proc.proc.exitCode, null, 'the node is still running');
  t.is((node.proc.output().match(/write failed \(ENOSPC\)/g) ?? []).length, 1, 'reported once, not once per chunk');
});
