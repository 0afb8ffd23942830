import test from 'ava';
import { spawn } from 'node:child_process';
import * as pty from 'node-pty';
import { startFleet, TERM_ARGV, type Fleet } from './helpers/fleet.ts';
import { until } from './helpers/cli.ts';

// Master m reaches node n through relay r (2 hops); x is another node that n does not obey.
let fleet: Fleet;
test.before(async () => {
  fleet = await startFleet({ names: ['m', 'r', 'n', 'x'], edges: [['m', 'r'], ['r', 'n'], ['x', 'n']], master: 'm', rogues: ['x'] });
  const path = await fleet.route('m', 'n');
  if (path.length !== 3) throw new Error(`expected m-r-n, got ${path.join(' ')}`);
  await fleet.route('x', 'n');
});
test.after.always(() => fleet?.stop());

const runPty = (args: string[], cols = 80, rows = 24) => {
  const p = pty.spawn(process.execPath, [...TERM_ARGV, ...args], { name: 'xterm', cols, rows, cwd: process.cwd(), env: process.env as Record<string, string> });
  let out = '';
  p.onData((d) => { out += d; });
  const exited = new Promise<number>((resolve) => p.onExit((e) => resolve(e.exitCode)));
  return { p, out: () => out, exited };
};

test.serial('a real PTY: output, window resize and the exit status pass through', async (t) => {
  const n = fleet.get('n');
  const s = runPty(['term', n.address, '--home', fleet.get('m').ctl], 80, 24);
  // 'RE''ADY' echoes as typed but prints as READY: matching the printed word proves the shell ran it.
  s.p.write("echo RE''ADY\r");
  // Output passes two ptys (the node's and this test's), so a newline may arrive as \r\r\n.
  await until(() => (/READY\r*\n/.test(s.out().replace(/RE''ADY/g, '')) ? true : undefined), 20_000, 'shell ready');
  s.p.write('stty size\r');
  await until(() => (s.out().includes('24 80') ? true : undefined), 10_000, 'first size 24 80');
  s.p.resize(100, 40);
  await until(() => {
    s.p.write('stty size\r');
    return s.out().includes('40 100') ? true : undefined;
  }, 10_000, 'resized to 40 100');
  s.p.write('echo hi; exit 3\r');
  const code = await s.exited;
  t.is(code, 3, s.out());
  t.regex(s.out(), /[\r\n]hi\r*\n/);
});

test.serial('without a tty on stdin it still works: piped commands, then EOF', async (t) => {
  const n = fleet.get('n');
  const c = spawn(process.execPath, [...TERM_ARGV, 'term', n.address, '--home', fleet.get('m').ctl], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  c.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  c.stderr.on('data', (b: Buffer) => { err += b.toString(); });
  c.stdin.end('echo h""i-there; exit 3\n');
  const code = await new Promise<number | null>((r) => c.on('exit', r));
  t.is(code, 3, `stdout ${out} stderr ${err}`);
  t.regex(out, /[\r\n]hi-there\r*\n/);
});

test.serial('a terminal asked for by a node that is not the master is refused and counted', async (t) => {
  const n = fleet.get('n');
  const before = (await fleet.refusals('n')).term.byReason['not-master'] ?? 0;
  const c = spawn(process.execPath, [...TERM_ARGV, 'term', n.address, '--home', fleet.get('x').ctl], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  c.stderr.on('data', (b: Buffer) => { err += b.toString(); });
  c.stdin.end('echo pwned\n');
  const code = await new Promise<number | null>((r) => c.on('exit', r));
  t.is(code, 2);
  t.regex(err, /COMMAND_REFUSED.*not-master/);
  const after = await fleet.refusals('n');
  t.is(after.term.byReason['not-master'], before + 1);
});

test.serial('a client that goes away hangs up its shell on the node', async (t) => {
  const n = fleet.get('n');
  const c = spawn(process.execPath, [...TERM_ARGV, 'term', n.address, '--home', fleet.get('m').ctl], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  c.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  c.stdin.write("echo UP''NOW\n");
  await until(() => (/UPNOW/.test(out) ? true : undefined), 10_000, 'shell up');
  t.is((await fleet.refusals('n')).open.term, 1);
  c.kill('SIGKILL');
  await until(async () => (((await fleet.refusals('n')).open.term) === 0 ? true : undefined), 10_000, 'terminal closed on the node');
  t.pass();
});
