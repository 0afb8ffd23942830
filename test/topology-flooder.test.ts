import test from 'ava';
import type { NeighbourInfo } from '../src/overlay/link-layer.ts';
import { Flooder, PACKET_OVERHEAD, type FloodPort } from '../src/topology/flooder.ts';
import { defaultTopologyOptions } from '../src/topology/topology-options.ts';
import { parseRecord } from '../src/topology/record-codec.ts';
import { encodeRecordMsg } from '../src/topology/topology-wire.ts';
import { MemClock } from './helpers/mem-clock.ts';
import { recordOf, sortedIds } from './helpers/topology-records.ts';

interface Sent { at: number; peer: string; bytes: Uint8Array }

const fakePort = (clock: MemClock, neighbours: NeighbourInfo[]) => {
  const sent: Sent[] = [];
  const port: FloodPort = { clock, neighbours: () => neighbours, sendTo: (peer, bytes) => (sent.push({ at: clock.now(), peer, bytes }), true) };
  return { port, sent };
};
const nb = (peer: string, carrier: string, bitrate: number | undefined): NeighbourInfo =>
  ({ peer, rttMs: 100, lossPct: 0, payloadMtu: 1400, bitrate, carrier });

const ids = sortedIds(24, 4000);
const [n1, n2, n3] = ids.map((i) => i.address);
const caps = { floodShare: defaultTopologyOptions.floodShare, fastFloodBytesPerSec: Infinity };
const msgOf = (i: number, seq: number) => encodeRecordMsg(recordOf(ids[i]!, seq, [{ peer: ids[(i + 1) % 24]! }, { peer: ids[(i + 2) % 24]! }]).bytes);

test('1200 bit/s carrier, default 2 % share: every minute stays within 3 B/s, and the budget is used', (t) => {
  const clock = new MemClock();
  const { port, sent } = fakePort(clock, [nb(n1!, 'kiss', 1200), nb(n2!, 'kiss', 1200), nb(n3!, 'kiss', 1200)]);
  const f = new Flooder(port, caps);
  // 20 origins keep publishing a new record every 5 s, for 10 minutes.
  for (let s = 0; s < 600; s += 5) {
    for (let o = 3; o < 23; o++) f.flood(ids[o]!.address, msgOf(o, s + 1));
    clock.advance(5_000);
    t.true(f.pending(n1) <= 20, 'coalesced: at most one record per origin waits');
  }
  const rate = (0.02 * 1200) / 8; // 3 bytes/s
  const cost = (s: Sent) => s.bytes.length + PACKET_OVERHEAD;
  const maxMsg = Math.max(...sent.map(cost));
  for (const s0 of sent) {
    const inMinute = sent.filter((s) => s.at >= s0.at && s.at < s0.at + 60_000).reduce((a, s) => a + cost(s), 0);
    t.true(inMinute <= rate * 60 + maxMsg, `minute from ${s0.at}: ${inMinute} bytes`);
  }
  const total = sent.reduce((a, s) => a + cost(s), 0);
  t.true(total <= rate * 600 + maxMsg, `${total} bytes in 10 min`);
  t.true(total >= rate * 600 - maxMsg, `budget unused: ${total} bytes`);
  // Round-robin: the three neighbours on the shared carrier got turns in equal measure.
  const per = [n1, n2, n3].map((p) => sent.filter((s) => s.peer === p).length);
  t.true(Math.max(...per) - Math.min(...per) <= 1, per.join(','));
  // Only the newest waits, so per neighbour and origin the seqs sent only go up.
  const last = new Map<string, number>();
  for (const s of sent) {
    const r = parseRecord(s.bytes.subarray(2));
    if (!r.ok) return t.fail(r.reason);
    const k = `${s.peer}/${r.value.origin}`;
    t.true(r.value.seq > (last.get(k) ?? 0));
    last.set(k, r.value.seq);
  }
  t.is(f.stats.sent, sent.length);
});

test('fast carrier (no bitrate) sends everything at once, skipping the neighbour it came from', (t) => {
  const clock = new MemClock();
  const { port, sent } = fakePort(clock, [nb(n1!, 'udp', undefined), nb(n2!, 'udp', undefined), nb(n3!, 'udp', undefined)]);
  const f = new Flooder(port, caps);
  for (let o = 3; o < 23; o++) f.flood(ids[o]!.address, msgOf(o, 1), n2);
  clock.advance(0);
  t.is(sent.length, 40);
  t.false(sent.some((s) => s.peer === n2));
  t.is(f.pending(), 0);
});

test('a newer record replaces the waiting one in place; forget drops a queue; carriers have separate budgets', (t) => {
  const clock = new MemClock();
  const { port, sent } = fakePort(clock, [nb(n1!, 'kiss', 1200), nb(n2!, 'lora', 1200)]);
  const f = new Flooder(port, caps);
  f.flood(ids[5]!.address, msgOf(5, 1));
  f.flood(ids[6]!.address, msgOf(6, 1));
  f.flood(ids[5]!.address, msgOf(5, 2)); // replaces seq 1, keeps its turn ahead of 6
  clock.advance(0);
  t.is(sent.length, 2, 'one message per carrier, then both budgets are in debt');
  t.deepEqual(sent.map((s) => Buffer.from(s.bytes).equals(Buffer.from(msgOf(5, 2)))), [true, true]);
  f.forget(n2!);
  t.is(f.pending(n2), 0);
  clock.advance(120_000);
  t.deepEqual(sent.slice(2).map((s) => s.peer), [n1]);
  t.is(f.pending(), 0);
});

test('a configured cap applies to carriers without a bitrate; stop cancels the drain timer', (t) => {
  const clock = new MemClock();
  const { port, sent } = fakePort(clock, [nb(n1!, 'udp', undefined)]);
  const f = new Flooder(port, { floodShare: 0.02, fastFloodBytesPerSec: 1000 });
  for (let o = 3; o < 23; o++) f.flood(ids[o]!.address, msgOf(o, 1));
  clock.advance(1_000);
  const bytes = sent.reduce((a, s) => a + s.bytes.length + PACKET_OVERHEAD, 0);
  t.true(bytes <= 1000 + 300 && sent.length >= 4, `${sent.length} msgs ${bytes} bytes`);
  f.stop();
  t.is(clock.pending, 0);
  clock.advance(10_000);
  t.is(f.pending(), 0);
});
