// What a new user hits (issue 14), run through the installed CLI: every mistake is one line,
// `skywire: error [CODE]: what, and the fix`, with a non-zero exit and no stack trace.
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer, type AddressInfo } from 'node:net';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, sky, skyDaemon, tmpHome, until } from './helpers/cli.ts';

const oneLine = (t: import('ava').ExecutionContext, r: { code: number | null; stderr: string }, code: string): string => {
  t.not(r.code, 0, 'a non-zero exit');
  t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
  const lines = r.stderr.trim().split('\n');
  t.is(lines.length, 1, r.stderr);
  t.regex(lines[0]!, new RegExp(`^skywire: error \\[${code}\\]: .+`));
  return lines[0]!;
};

/** As an ordinary user (uid 4242, no groups), the way the `pi` user meets a packaged node. */
const asUser = (...args: string[]): { code: number | null; stderr: string; stdout: string } => {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: '/tmp', TMPDIR: '/tmp' };
  delete env.SKYWIRE_HOME;
  const r = spawnSync('setpriv', ['--reuid', '4242', '--regid', '4242', '--clear-groups', '--', process.execPath, BIN, ...args], { encoding: 'utf8', timeout: 60_000, env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

test('a home that cannot be used: a file, a file on the way, /proc, another user\'s directory', (t) => {
  const dir = tmpHome('errs');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  t.regex(oneLine(t, sky('init', '--home', file), 'HOME_INVALID'), /is a file, not a directory/);
  t.regex(oneLine(t, sky('init', '--home', join(file, 'sub')), 'HOME_INVALID'), /a-file is a file, not a directory/);
  // This used to spin at 100 % CPU (recursive mkdir under /proc).
  t.regex(oneLine(t, sky('init', '--home', '/proc/skywire-nope'), 'HOME_INVALID'), /\/proc/);
  t.false(existsSync(join(dir, 'identity.json')));
});

test('as an ordinary user: the default home, another user\'s home for init and status', (t) => {
  const home = tmpHome('errs-root'); // 0700, owned by root: the packaged node's home to the pi user
  t.teardown(() => rmSync(home, { recursive: true, force: true }));
  t.is(sky('init', '--home', home).code, 0);
  // `skywire node` with no --home: /var/lib/skywire, not writable by this user.
  t.regex(oneLine(t, asUser('node'), 'HOME_PERMISSION'), /may not use \/var\/lib\/skywire \(EACCES\)/);
  t.regex(oneLine(t, asUser('init', '--home', join(home, 'sub')), 'HOME_PERMISSION'), /EACCES/);
  // status: a permission problem, with the owner, never "no node is running; start one".
  const line = oneLine(t, asUser('status', '--home', home), 'HOME_PERMISSION');
  t.regex(line, /owned by root:root.*sudo -u root/);
  t.notRegex(line, /start one/);
  t.regex(oneLine(t, sky('status', '--home', join(home, 'nope')), 'CONTROL_UNAVAILABLE'), /there is no home/);
});

test('forward on a local port that is taken says which port and what to do', async (t) => {
  const home = tmpHome('errs-fwd');
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
  t.teardown(() => { taken.close(); rmSync(home, { recursive: true, force: true }); });
  const port = (taken.address() as AddressInfo).port;
  const r = sky('forward', 'kitchen-pi', `${port}:127.0.0.1:22`, '--home', home);
  t.regex(oneLine(t, r, 'BAD_LISTEN'), new RegExp(`127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\).*pick another LPORT`));
});

test('a node killed with -9 leaves a stale lock that the next start takes over', async (t) => {
  const home = tmpHome('errs-lock');
  t.teardown(() => rmSync(home, { recursive: true, force: true }));
  const first = skyDaemon('node', '--home', home, '--listen', '127.0.0.1:0');
  await until(() => (/listening on udp/.test(first.output()) ? true : undefined), 30_000, 'the first node');
  t.true(existsSync(join(home, 'node.lock')));
  first.proc.kill('SIGKILL');
  await first.exited;
  const second = skyDaemon('node', '--home', home, '--listen', '127.0.0.1:0');
  t.teardown(() => second.proc.kill('SIGKILL'));
  await until(() => (/listening on udp/.test(second.output()) ? true : undefined), 30_000, 'the second node');
  t.regex(second.output(), /did not shut down cleanly/);
  second.proc.kill('SIGTERM');
  t.is(await second.exited, 0);
  t.false(existsSync(join(home, 'node.lock')), 'a clean stop removes its lock');
});

/** A base port with 12 free UDP ports after it (the demo's master, relay and ten nodes). */
const freeUdpRange = async (n: number): Promise<number> => {
  for (let tries = 0; tries < 50; tries++) {
    const probe = createSocket('udp4');
    const base = await new Promise<number>((r) => probe.bind(0, '127.0.0.1', () => r(probe.address().port)));
    probe.close();
    if (base + n > 65_000) continue;
    const socks = [];
    let ok = true;
    for (let i = 0; i < n && ok; i++) {
      const s = createSocket('udp4');
      ok = await new Promise<boolean>((r) => { s.once('error', () => r(false)); s.bind(base + i, '127.0.0.1', () => r(true)); });
      socks.push(s);
    }
    for (const s of socks) { try { s.close(); } catch { /* not bound */ } }
    if (ok) return base;
  }
  throw new Error('no free range of UDP ports');
};

test('a second npm start on the same ports: one line, and nothing left behind', async (t) => {
  const base = await freeUdpRange(12);
  const env = { ...process.env, SKYWIRE_DEMO_PORT: String(base) };
  const demos = (): string[] => readdirSync(tmpdir()).filter((f) => f.startsWith('skywire-demo-'));
  const first = spawn(process.execPath, ['--import', 'tsx', 'src/cli/local-demo-main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => first.kill('SIGKILL'));
  let out = '';
  first.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  first.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
  await until(() => (/local demo: master, relay/.test(out) ? true : undefined), 60_000, 'the first demo');
  const before = demos();
  const second = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/local-demo-main.ts'], { env, encoding: 'utf8', timeout: 60_000 });
  t.regex(oneLine(t, { code: second.status, stderr: second.stderr }, 'BAD_LISTEN'), new RegExp(`needs UDP ports 127\\.0\\.0\\.1:${base}-${base + 11}.*SKYWIRE_DEMO_PORT`));
  t.deepEqual(demos(), before, 'the failed demo removed its homes');
  first.kill('SIGINT');
  await new Promise((r) => first.once('exit', r));
});
