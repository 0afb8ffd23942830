import test from 'ava';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sky, skyDaemon, tmpHome, until } from './helpers/cli.ts';
import { freeUdpPorts } from './helpers/free-port.ts';

const addressOf = (home: string): string => JSON.parse(sky('id', '--home', home, '--json').stdout).address;

test('init creates a 0600 key file once; id prints it; a second init refuses and keeps the file', (t) => {
  const home = tmpHome('init');
  const r = sky('init', '--home', home);
  t.is(r.code, 0, r.stderr);
  const key = join(home, 'identity.json');
  t.is(statSync(key).mode & 0o777, 0o600);
  const before = readFileSync(key);
  const id = JSON.parse(sky('id', '--home', home, '--json').stdout);
  t.regex(id.address, /^[a-z2-7]{26}$/);
  t.is(Buffer.from(id.publicKey, 'base64').length, 32);
  const again = sky('init', '--home', home);
  t.is(again.code, 2);
  t.regex(again.stderr, /KEY_FILE_EXISTS/);
  t.deepEqual(readFileSync(key), before);
});

test('a corrupt key file is a clear error and no new identity appears', (t) => {
  const home = tmpHome('corrupt');
  sky('init', '--home', home);
  writeFileSync(join(home, 'identity.json'), '{"version":1,"secretKey":"AAAA"}');
  const r = sky('node', '--home', home, '--listen', '127.0.0.1:0');
  t.is(r.code, 2);
  t.regex(r.stderr, /KEY_FILE_CORRUPT.*identity\.json/);
  t.is(readFileSync(join(home, 'identity.json'), 'utf8'), '{"version":1,"secretKey":"AAAA"}');
});

test('bad peer specs and config fields are errors that name the problem', (t) => {
  const home = tmpHome('badcfg');
  sky('init', '--home', home);
  const p = sky('node', '--home', home, '--listen', '127.0.0.1:0', '--peer', 'nonsense');
  t.is(p.code, 2);
  t.regex(p.stderr, /BAD_PEER.*ADDRESS@HOST:PORT/);
  writeFileSync(join(home, 'config.json'), JSON.stringify({ peers: [], link: { keepaliveMs: -5 } }));
  const c = sky('node', '--home', home, '--listen', '127.0.0.1:0');
  t.is(c.code, 2);
  t.regex(c.stderr, /CONFIG_INVALID.*config\.json: link\.keepaliveMs/);
  writeFileSync(join(home, 'config.json'), JSON.stringify({ peerz: [] }));
  t.regex(sky('node', '--home', home).stderr, /CONFIG_INVALID.*peerz/);
});

test('status without a running node says how to start one', (t) => {
  const home = tmpHome('nostatus');
  const r = sky('status', '--home', home);
  t.is(r.code, 2);
  t.regex(r.stderr, /CONTROL_UNAVAILABLE.*skywire node --home/);
});

test('two node processes link up within a second; status --json shows the link up with an RTT; SIGTERM saves state', async (t) => {
  const [ha, hb] = [tmpHome('a'), tmpHome('b')];
  sky('init', '--home', ha);
  sky('init', '--home', hb);
  const [a, b] = [addressOf(ha), addressOf(hb)];
  const [pa, pb] = await freeUdpPorts(2);
  const da = skyDaemon('node', '--home', ha, '--listen', `127.0.0.1:${pa}`, '--peer', `${b}@127.0.0.1:${pb}`);
  const db = skyDaemon('node', '--home', hb, '--listen', `127.0.0.1:${pb}`, '--peer', `${a}@127.0.0.1:${pa}`);
  try {
    await until(() => (da.output().includes('listening') && db.output().includes('listening') ? true : undefined), 20_000, 'both nodes listening');
    const upAt = (out: string) => out.split('\n').find((l) => l.includes('handshaking -> up'));
    const lineA = await until(() => upAt(da.output()), 10_000, 'link up on a').catch((e) => { t.log(da.output(), db.output()); throw e; });
    // Measured from the moment the later of the two nodes was listening, from the nodes' own logs.
    const listening = [da, db].map((d) => Date.parse(d.output().split('\n').find((l) => l.includes('listening'))!.slice(0, 24)));
    const ms = Date.parse(lineA.slice(0, 24)) - Math.max(...listening);
    t.true(ms < 1000, `link took ${ms} ms`);
    const st = await until(() => {
      const s = JSON.parse(sky('status', '--home', ha, '--json').stdout);
      return s.links[0]?.rttMs !== null ? s : undefined;
    }, 15_000, 'an RTT sample');
    t.is(st.address, a);
    t.is(st.links[0].peer, b);
    t.is(st.links[0].state, 'up');
    t.true(st.links[0].rttMs >= 0 && st.links[0].rttMs < 100);
    t.true(st.links[0].bytesIn > 0 && st.links[0].bytesOut > 0);
    t.true(st.links[0].lastHandshakeAt > 0);
    // The installed CLI's node moves its datagrams through the native batch path (udp-batch).
    t.is(st.udp.batchOff, null);
    t.true(st.udp.batch.packets > 0 && st.udp.batch.syscalls <= st.udp.batch.packets);
    // The socket is owner and group; the home (0700) keeps everyone else from reaching it.
    t.is(statSync(join(ha, 'control.sock')).mode & 0o777, 0o660);
    t.is(statSync(ha).mode & 0o077, 0);
    // A second node on the home is refused before it reads or writes anything there.
    // (state.json is left out of the mtimes: the live node itself saves it every 30 s.)
    const listing = (): string[] => readdirSync(ha).map((f) => (f === 'state.json' ? f : `${f} ${statSync(join(ha, f)).mtimeMs}`)).sort();
    const before = listing();
    const second = sky('node', '--home', ha, '--listen', '127.0.0.1:0');
    t.regex(second.stderr, /^skywire: error \[NODE_RUNNING\]: a node is already running with home .* \(pid \d+/);
    t.not(second.code, 0);
    t.notRegex(second.stdout + second.stderr, /did not shut down|registering|listening/);
    t.deepEqual(listing(), before, 'nothing in the home changed');
  } finally {
    da.proc.kill('SIGTERM');
    db.proc.kill('SIGINT');
  }
  t.is(await da.exited, 0);
  t.is(await db.exited, 0);
  const state = JSON.parse(readFileSync(join(ha, 'state.json'), 'utf8'));
  t.true(state.cleanShutdown);
  t.true(state.peers[b].handshakes >= 1);
});
