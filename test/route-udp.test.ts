import test from 'ava';
import * as pty from 'node-pty';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, sky, skyDaemon, tmpHome, until, type Daemon } from './helpers/cli.ts';
import { freeUdpPorts } from './helpers/free-port.ts';

// Six real node processes on loopback with two disjoint paths from a to f: a-b-c-f and a-d-e-f.
const NAMES = ['a', 'b', 'c', 'd', 'e', 'f'] as const;
const EDGES = [['a', 'b'], ['b', 'c'], ['c', 'f'], ['a', 'd'], ['d', 'e'], ['e', 'f']];

test('a 20 MB stream a->f arrives intact although a relay on its path is killed mid-transfer', async (t) => {
  const homes = Object.fromEntries(NAMES.map((n) => [n, tmpHome(`r6${n}`)]));
  const addr: Record<string, string> = {};
  for (const n of NAMES) {
    t.is(sky('init', '--home', homes[n]!).code, 0);
    addr[n] = (JSON.parse(sky('id', '--home', homes[n]!, '--json').stdout) as { address: string }).address;
  }
  const ports = await freeUdpPorts(NAMES.length);
  const port = (n: string): number => ports[NAMES.indexOf(n as never)]!;
  const daemons: Record<string, Daemon> = {};
  for (const n of NAMES) {
    const peers = EDGES.filter((e) => e.includes(n)).map((e) => (e[0] === n ? e[1]! : e[0]!)).map((p) => `${addr[p]}@127.0.0.1:${port(p)}`);
    // Fast dead-peer detection so the test does not wait out the 16 s default.
    writeFileSync(join(homes[n]!, 'config.json'), JSON.stringify({ version: 1, name: n, listen: `127.0.0.1:${port(n)}`, peers, link: { keepaliveMs: 500, deadAfterMs: 2000 } }));
    daemons[n] = skyDaemon('node', '--home', homes[n]!);
  }
  t.teardown(() => { for (const d of Object.values(daemons)) d.proc.kill('SIGKILL'); });
  await until(() => {
    const r = sky('route', addr.f!, '--home', homes.a!, '--json');
    const j = r.code === 0 ? (JSON.parse(r.stdout) as { state: string; path: string[] }) : undefined;
    return j?.state === 'established' ? j : undefined;
  }, 30_000, 'route a->f');
  const route = JSON.parse(sky('route', addr.f!, '--home', homes.a!, '--json').stdout) as { path: string[] };
  t.is(route.path.length, 4);
  const relay = NAMES.find((n) => addr[n] === route.path[1])!;
  t.true(relay === 'b' || relay === 'd');

  const data = randomBytes(20 * 1024 * 1024);
  const file = join(homes.a!, 'payload.bin');
  writeFileSync(file, data);
  const accept = spawn(process.execPath, [BIN, 'accept', '7', '--home', homes.f!], { stdio: ['ignore', 'pipe', 'pipe'] });
  await until(() => (sky('status', '--home', homes.f!).code === 0 ? true : undefined), 5000, 'f ready');
  await new Promise((r) => setTimeout(r, 300));
  const hash = createHash('sha256');
  let got = 0;
  let killed = false;
  accept.stdout.on('data', (c: Buffer) => {
    hash.update(c);
    got += c.length;
    if (!killed && got > 4 * 1024 * 1024) {
      killed = true;
      daemons[relay]!.proc.kill('SIGKILL');
    }
  });
  const acceptDone = new Promise<number | null>((r) => accept.on('exit', (code) => r(code)));
  const connect = spawn(process.execPath, [BIN, 'connect', addr.f!, '7', '--home', homes.a!], { stdio: [openSync(file, 'r'), 'ignore', 'pipe'] });
  let err = '';
  connect.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
  const t0 = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([acceptDone, new Promise<string>((r) => { timer = setTimeout(() => r('timeout'), 120_000); })]);
  clearTimeout(timer);
  t.is(code, 0, `accept exit; connect stderr: ${err}`);
  t.true(killed, 'the relay was killed during the transfer');
  t.is(got, data.length);
  t.is(hash.digest('hex'), createHash('sha256').update(data).digest('hex'));
  const after = JSON.parse(sky('route', addr.f!, '--home', homes.a!, '--json').stdout) as { path: string[]; repairs: number };
  t.not(after.path[1], route.path[1]);
  t.true(after.repairs >= 1);
  t.log(`20 MB in ${((Date.now() - t0) / 1000).toFixed(1)} s including the repair; first relay ${relay}`);
  connect.kill();

  // The far end says its piece and closes: connect, typed at in a terminal (a real PTY) that
  // stays open, exits by itself.
  const bye = spawn(process.execPath, [BIN, 'accept', '8', '--home', homes.f!], { stdio: ['pipe', 'ignore', 'pipe'] });
  await new Promise((r) => setTimeout(r, 500));
  // accept's listener is up when f's node has taken the request: until then a dial is refused
  // (one error line, exit 1), so dial again.
  let talk!: pty.IPty;
  let heard = '';
  let talkExit!: Promise<number>;
  for (let i = 0; i < 20; i++) {
    heard = '';
    talk = pty.spawn(process.execPath, [BIN, 'connect', addr.f!, '8', '--home', homes.a!], { cols: 80, rows: 24, env: process.env as Record<string, string> });
    talk.onData((d) => { heard += d; });
    talkExit = new Promise<number>((r) => talk.onExit((e) => r(e.exitCode)));
    // A refused dial exits within a CLI start and a round trip: on a loaded machine that can
    // take over a second, so only a dial still running after 4 s counts as connected.
    const early = await Promise.race([talkExit, new Promise<null>((r) => setTimeout(() => r(null), 4000))]);
    if (early === null) break; // connected, waiting for the far end
  }
  bye.stdin!.end('bye\n');
  const talkCode = await Promise.race([talkExit, new Promise<string>((r) => setTimeout(() => r('still running'), 30_000))]);
  if (talkCode === 'still running') talk.kill();
  bye.kill();
  t.is(talkCode, 0, heard);
  t.regex(heard, /bye/);
});
