// The kernel guard (`skywire master --kernel-guard`, src/env/nft-guard.ts) with real nftables
// on loopback: the member's endpoint is in the table's fleet set; a stranger's junk flood and
// a flood of handshake inits are dropped in the kernel over their rates (and counted there,
// not in Node); the member's link and a stream keep working through the flood; a new stranger
// can still register and joins the set; the table goes on SIGTERM, and a table left by kill -9
// is replaced at the next start. Without CAP_NET_ADMIN the node runs and says why the guard is
// off. Needs root and nft.
import test from 'ava';
import { createSocket } from 'node:dgram';
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startFleet, status, transfer, type Fleet } from '../bench/flood-fleet.ts';
import { BIN, skyDaemon, tmpHome, until } from './helpers/cli.ts';
import { createIdentity } from '../src/identity/key-file.ts';
import { nodeSuite } from '../src/identity/node-suite.ts';

const NFT = ['/usr/sbin/nft', '/sbin/nft'].find((p) => existsSync(p));
const unavailable = process.getuid?.() !== 0 ? 'the kernel guard needs root' : !NFT ? 'nft is not installed (apt-get install nftables)' : undefined;
const guardTest = unavailable && process.env.CI !== 'true' ? test.skip : test.serial;

const nft = (...args: string[]): { ok: boolean; out: string } => {
  const r = spawnSync(NFT!, args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: r.stdout + r.stderr };
};
const fleetSet = (port: number): string => nft('list', 'set', 'inet', `skywire_${port}`, 'fleet4').out;
const portOf = (out: string): number => Number(/listening on udp 127\.0\.0\.1:(\d+)/.exec(out)?.[1]);

/** Status once the guard read its counters twice more: a reading in flight when the flood
 *  ended may hold the counts from before it. */
const freshCounters = async (home: string): Promise<Awaited<ReturnType<typeof status>>> => {
  const from = (await status(home)).kernelGuard.reads as number;
  return until(async () => { const s = await status(home); return s.kernelGuard.reads >= from + 2 ? s : undefined; }, 30_000, 'the guard\'s counters read again');
};

let fleet: Fleet | undefined;
test.after.always(async () => { await fleet?.stop(); });

guardTest('a stranger flood is dropped in the kernel while the member keeps its link and stream; strangers still register', async (t) => {
  fleet = await startFleet('kguard', [], ['--kernel-guard']);
  const memberPort = portOf(fleet.member.out());
  const s0 = await until(async () => { const s = await status(fleet!.master.home); return s.kernelGuard?.fleetEndpoints >= 1 ? s : undefined; }, 30_000, 'the member in the fleet set');
  t.true(s0.kernelGuard.on, JSON.stringify(s0.kernelGuard));
  t.regex(fleetSet(fleet.masterPort), new RegExp(`127\\.0\\.0\\.1 \\. ${memberPort}\\b`), 'the member\'s endpoint is in the table');

  // 20,000 junk datagrams from one stranger socket, as fast as it goes (bounded in count and time).
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const junk = Buffer.alloc(120, 0x5a);
  const TOTAL = 20_000;
  const t0 = Date.now();
  let sent = 0;
  while (sent < TOTAL && Date.now() - t0 < 20_000) {
    await new Promise<void>((r) => { let k = 0; for (let i = 0; i < 200; i++) sock.send(junk, fleet!.masterPort, '127.0.0.1', () => { if (++k === 200) r(); }); });
    sent += 200;
  }
  const floodMs = Date.now() - t0;
  sock.close();
  const s1 = await freshCounters(fleet.master.home);
  const kernelDropped = s1.kernelGuard.dropped.perSource + s1.kernelGuard.dropped.global + s1.kernelGuard.dropped.handshakes;
  const nodeSaw = Object.entries(s1.drops as Record<string, number>).reduce((n, [k, v]) => n + v - ((s0.drops as Record<string, number>)[k] ?? 0), 0);
  t.log(`sent ${sent} in ${floodMs} ms; kernel dropped ${kernelDropped}; the node counted ${nodeSaw} drops`, s1.kernelGuard);
  // At 500/s with a burst of 1,000 the kernel lets through at most 1,000 + 500 per second of flood.
  t.true(kernelDropped >= sent - (1000 + Math.ceil(floodMs / 1000 + 1) * 500), `the kernel dropped ${kernelDropped} of ${sent}`);
  t.true(nodeSaw <= sent - kernelDropped + 100, `the node read only what the kernel let through (${nodeSaw})`);
  // Handshake-init-shaped datagrams (version 1, type 1) from another address: their own, far
  // lower rate (20/s, burst 40, per address).
  const inits = createSocket('udp4');
  await new Promise<void>((r) => inits.bind(0, '127.78.0.1', () => r()));
  const init = Buffer.alloc(190, 0x33);
  init[0] = 1;
  init[1] = 1;
  const i0 = Date.now();
  for (let k = 0; k < 10; k++) await new Promise<void>((r) => { let n = 0; for (let i = 0; i < 100; i++) inits.send(init, fleet!.masterPort, '127.0.0.1', () => { if (++n === 100) r(); }); });
  const initMs = Date.now() - i0;
  inits.close();
  const s2 = await freshCounters(fleet.master.home);
  t.log(`1000 inits in ${initMs} ms: the kernel dropped ${s2.kernelGuard.dropped.handshakes}`);
  t.true(s2.kernelGuard.dropped.handshakes >= 1000 - (40 + Math.ceil(initMs / 1000 + 1) * 20), `the kernel dropped ${s2.kernelGuard.dropped.handshakes} of 1000 inits`);
  const link = (s1.links as Array<{ peer: string; state: string }>).find((l) => l.peer === fleet!.member.address);
  t.is(link?.state, 'up', 'the member\'s link stayed up');
  const stream = await transfer(fleet, { port: 9100, bytes: 4 * 1024 * 1024, durationMs: 60_000, deadlineMs: 60_000 });
  t.true(stream.exact && stream.received === 4 * 1024 * 1024, 'a stream from the member arrives whole');

  // A new node still reaches registration through the strangers' rate and joins the set.
  const home = tmpHome('kguard-new');
  createIdentity(nodeSuite(), home, new Uint8Array(randomBytes(32)));
  writeFileSync(join(home, 'config.json'), JSON.stringify({ name: 'newcomer', listen: '127.0.0.1:0', peers: [`${fleet.master.address}@127.0.0.1:${fleet.masterPort}`], master: masterKeyOf(fleet) }));
  const d = skyDaemon('node', '--home', home);
  try {
    await until(async () => ((await status(home).catch(() => undefined))?.membership?.own ? true : undefined), 60_000, 'the newcomer admitted');
    const port = portOf(d.output());
    await until(() => (fleetSet(fleet!.masterPort).includes(`127.0.0.1 . ${port}`) ? true : undefined), 30_000, 'the newcomer in the fleet set');
    t.pass();
  } finally {
    d.proc.kill('SIGTERM');
    await d.exited;
  }

  await fleet.stop();
  t.false(nft('list', 'table', 'inet', `skywire_${fleet.masterPort}`).ok, 'the table is gone after SIGTERM');
  fleet = undefined;
});

// The master's public key as the member's config names it (startFleet writes it there).
const masterKeyOf = (f: Fleet): string => (JSON.parse(readFileSync(join(f.member.home, 'config.json'), 'utf8')) as { master: string }).master;

guardTest('a table left by kill -9 is replaced at the next start on the same port', async (t) => {
  const home = tmpHome('kguard-k9');
  createIdentity(nodeSuite(), home, new Uint8Array(randomBytes(32)));
  const first = skyDaemon('node', '--home', home, '--listen', '127.0.0.1:0', '--kernel-guard');
  const port = await until(() => portOf(first.output()) || undefined, 30_000, 'the node listening');
  await until(() => (/kernel guard on/.test(first.output()) ? true : undefined), 30_000, 'the guard on');
  first.proc.kill('SIGKILL');
  await first.exited;
  t.true(nft('list', 'table', 'inet', `skywire_${port}`).ok, 'kill -9 left the table');
  const second = skyDaemon('node', '--home', home, '--listen', `127.0.0.1:${port}`, '--kernel-guard');
  try {
    await until(() => (/kernel guard on/.test(second.output()) ? true : undefined), 30_000, 'the guard on again');
    const tables = nft('list', 'tables').out.split('\n').filter((l) => l.includes(`skywire_${port}`));
    t.is(tables.length, 1, 'one table for the port');
  } finally {
    second.proc.kill('SIGTERM');
    await second.exited;
  }
  t.false(nft('list', 'table', 'inet', `skywire_${port}`).ok, 'the table is gone after SIGTERM');
});

guardTest('without CAP_NET_ADMIN the node runs and says why the guard is off', async (t) => {
  const home = tmpHome('kguard-nobody');
  createIdentity(nodeSuite(), home, new Uint8Array(randomBytes(32)));
  spawnSync('chown', ['-R', '65534:65534', home]);
  chownSync(home, 65534, 65534);
  const proc = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', process.execPath, BIN, 'node', '--home', home, '--listen', '127.0.0.1:0', '--kernel-guard'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  proc.stderr.on('data', (c: Buffer) => { out += c.toString(); });
  const exited = new Promise((r) => proc.on('exit', r));
  try {
    await until(() => (/listening on udp/.test(out) ? true : undefined), 30_000, 'the node listening');
    t.regex(out, /kernel guard off: .*(CAP_NET_ADMIN|not permitted)/i);
    const s = await until(async () => (await status(home).catch(() => undefined)), 10_000, 'status');
    t.false(s.kernelGuard.on);
    t.truthy(s.kernelGuard.error);
  } finally {
    proc.kill('SIGTERM');
    await exited;
  }
});
