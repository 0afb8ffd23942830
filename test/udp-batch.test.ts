// The batched UDP carrier (src/env/udp-batch.ts, native/udp-batch): every datagram arrives whole,
// in order and from the right address, through sendmmsg + UDP GSO and recvmmsg, on loopback and
// across a veth pair; a path that cannot segment (MTU below the packet size) falls back to one
// message per packet; SKYWIRE_UDP_BATCH=0 gives the same bytes through node:dgram.
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { openUdpCarrier, type UdpCarrier } from '../src/env/udp-carrier.ts';
import { udpBatchUnavailable } from '../src/env/udp-batch.ts';
import { NetLab, netnsUnavailable } from './helpers/netns.ts';

// Sizes a link really sends: full 1,452-byte segments in runs, an ACK, a loopback jumbo, 1 byte.
const sizes = (n: number): number[] => Array.from({ length: n }, (_, i) => (i % 97 === 5 ? 60 : i % 211 === 7 ? 65_000 : i % 301 === 11 ? 5 : 1452));

const exchange = async (t: { is: (a: unknown, b: unknown, m?: string) => void; true: (a: boolean, m?: string) => void }, a: UdpCarrier, b: UdpCarrier, count: number): Promise<void> => {
  const want = sizes(count);
  const got: { from: string; bytes: Uint8Array }[] = [];
  const all = new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`only ${got.length} of ${count} arrived`)), 20_000);
    b.received$.subscribe((d) => { got.push(d); if (got.length === count) { clearTimeout(timer); res(); } });
  });
  // Bursts of 50 per event-loop turn, as a sender's window opens.
  for (let i = 0; i < count;) {
    for (let k = 0; k < 50 && i < count; k++, i++) {
      const p = new Uint8Array(want[i]!).fill(i & 255);
      p[0] = i >> 8;
      a.send(b.local, p);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await all;
  for (let i = 0; i < count; i++) {
    const d = got[i]!;
    t.is(d.from, a.local);
    t.is(d.bytes.length, want[i], `packet ${i} length`);
    t.true(d.bytes[0] === (i >> 8) && d.bytes.subarray(1).every((x) => x === (i & 255)), `packet ${i} bytes`);
  }
};
/** Two carriers on `host`, each batched or not (SKYWIRE_UDP_BATCH=0 while it opens), closed
 *  after `fn`. */
const withPair = async (host: string, batched: [boolean, boolean], fn: (a: UdpCarrier, b: UdpCarrier) => Promise<void>): Promise<void> => {
  const open = async (on: boolean): Promise<UdpCarrier> => {
    if (!on) process.env.SKYWIRE_UDP_BATCH = '0';
    try {
      return await openUdpCarrier(`${host}:0`);
    } finally {
      delete process.env.SKYWIRE_UDP_BATCH;
    }
  };
  const a = await open(batched[0]);
  const b = await open(batched[1]);
  try {
    await fn(a, b);
  } finally {
    await a.close();
    await b.close();
  }
};

test.serial('the native batch addon is built by npm install on Linux', (t) => {
  t.is(udpBatchUnavailable(), undefined);
});

test.serial('batched: 1,000 datagrams of mixed sizes on loopback arrive whole, in order, from the sender, in fewer syscalls', async (t) => {
  await withPair('127.0.0.1', [true, true], async (a, b) => {
    t.truthy(a.udpBatch);
    await exchange(t, a, b, 1000);
    t.is(a.udpBatch!.packets, 1000);
    t.true(a.udpBatch!.syscalls < 100, `${a.udpBatch!.syscalls} sendmmsg calls for 1,000 packets`);
    t.is(a.sendErrors, 0);
  });
});

test.serial('batched over IPv6 loopback: senders named [::1]:port as node:dgram names them', async (t) => {
  await withPair('[::1]', [true, true], async (a, b) => {
    t.regex(a.local, /^\[::1\]:\d+$/);
    t.truthy(a.udpBatch);
    await exchange(t, a, b, 300);
    t.is(a.udpBatch!.packets, 300);
  });
});

test.serial('SKYWIRE_UDP_BATCH=0: the same datagrams through node:dgram', async (t) => {
  await withPair('127.0.0.1', [false, false], async (a, b) => {
    t.is(a.udpBatch, undefined);
    await exchange(t, a, b, 600);
  });
});

test.serial('a batched sender and a node:dgram receiver (and the other way) speak the same datagrams', async (t) => {
  await withPair('127.0.0.1', [true, false], async (a, b) => {
    await exchange(t, a, b, 400);
    await exchange(t, b, a, 400);
  });
});

test.serial('a send the kernel refuses is counted and named, and the next destination still gets its packets', async (t) => {
  await withPair('127.0.0.1', [true, true], async (a, b) => {
    // Port 0 is no destination: sendmmsg says EINVAL (and nothing leaves the machine).
    for (let i = 0; i < 3; i++) a.send('127.0.0.1:0', new Uint8Array(100));
    await exchange(t, a, b, 100);
    t.true(a.sendErrors >= 1);
    t.is(a.sendErrorFor?.('127.0.0.1:0'), 'EINVAL');
    t.is(a.sendErrorFor?.(b.local), undefined);
  });
});

// Two namespaces joined by veth pairs through a bridge (test/helpers/netns.ts).
// A lab of its own per run (tag, subnet), gone when the run is.
const peerRun = async (tag: string, subnet: number, count: number, senderMtu: number): Promise<{ got: number; ok: boolean; from: string; stats: { packets: number; syscalls: number; gsoOff: number } }> => {
  const why = netnsUnavailable();
  if (why) throw new Error(why);
  const lab = new NetLab(tag, subnet);
  try {
    return await runInLab(lab, count, senderMtu);
  } finally {
    lab.destroy();
  }
};
const runInLab = async (lab: NetLab, count: number, senderMtu: number): Promise<{ got: number; ok: boolean; from: string; stats: { packets: number; syscalls: number; gsoOff: number } }> => {
  const ipA = lab.host('a', 1);
  const ipB = lab.host('b', 2);
  // NetLab names host 1's inner veth TAG1i.
  if (senderMtu !== 1500) spawnSync('/usr/sbin/ip', ['-n', lab.ns('a'), 'link', 'set', `${lab.ns('a').split('-')[0]!.slice(0, 6)}1i`, 'mtu', String(senderMtu)]);
  const peer = new URL('./helpers/udp-batch-peer.ts', import.meta.url).pathname;
  const lines = (p: ReturnType<typeof spawn>): AsyncIterator<string> => createInterface({ input: p.stdout! })[Symbol.asyncIterator]();
  const recv = lab.spawn('b', process.execPath, ['--import', 'tsx', peer, 'recv', `${ipB}:7000`, String(count)]);
  const rl = lines(recv);
  mustBeReady(JSON.parse((await rl.next()).value as string));
  const send = lab.spawn('a', process.execPath, ['--import', 'tsx', peer, 'send', `${ipA}:7001`, `${ipB}:7000`, String(count), '1452']);
  const sl = lines(send);
  const sent = JSON.parse((await sl.next()).value as string);
  const got = JSON.parse((await rl.next()).value as string);
  return { ...got, stats: sent.stats, error: sent.error };
};
const mustBeReady = (o: { ready?: boolean }): void => { if (!o.ready) throw new Error('receiver did not start'); };

test.serial('across a veth pair at MTU 1500: 2,000 GSO-batched 1,452-byte datagrams arrive whole and in order', async (t) => {
  const r = await peerRun('swub', 81, 2000, 1500);
  t.is(r.got, 2000);
  t.true(r.ok, 'every byte in order');
  t.is(r.from, '10.81.0.1:7001');
  t.is(r.stats.packets, 2000);
  t.is(r.stats.gsoOff, 0);
  t.true(r.stats.syscalls <= 100, `${r.stats.syscalls} sendmmsg calls`);
});

test.serial('a sender whose link MTU is below the packet size turns GSO off and its datagrams still arrive (fragmented)', async (t) => {
  const r = await peerRun('swuc', 82, 500, 1280);
  t.is(r.got, 500);
  t.true(r.ok, 'every byte in order');
  t.is(r.stats.gsoOff, 1, 'the first segmented send was refused, and GSO stayed off for that destination');
  t.is(r.stats.packets, 500);
});

test.serial('a closed carrier frees its port at once: a node restarted in place binds it again', async (t) => {
  for (let i = 0; i < 3; i++) {
    const a = await openUdpCarrier('127.0.0.1:0');
    const at = a.local;
    await a.close();
    const b = await openUdpCarrier(at);
    t.is(b.local, at);
    await b.close();
  }
});
