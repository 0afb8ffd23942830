import test from 'ava';
import { RadioChannelActor } from '../actors/radio-channel-actor.ts';
import { TxClass } from '../src/radio/tx-queue.ts';
import { airtimeMs, mtuFor, radioLinkTimers } from '../src/radio/radio-params.ts';
import { radioTopologyTimers } from '../src/radio/radio-topology.ts';
import type { ChannelOptions } from '../src/radio/channel-types.ts';
import { MemClock } from './helpers/mem-clock.ts';
import { SeededRandom } from './helpers/fuzz-random.ts';

interface Sent { at: number; bytes: Uint8Array; ms: number }

const world = (o: Partial<ChannelOptions> = {}, busy: () => boolean = () => false, seed = 1) => {
  const clock = new MemClock();
  const sent: Sent[] = [];
  const port = { transmit: (bytes: Uint8Array, ms: number) => sent.push({ at: clock.now(), bytes, ms }), busy };
  const ch = new RadioChannelActor(clock, new SeededRandom(seed), port, {
    bitrate: 1200, txDelayMs: 300, txTailMs: 0, persistence: 1, slotMs: 100, dutyCycle: 1, controlShare: 1,
    maxFrameBytes: 600, ...o,
  });
  return { clock, sent, ch };
};

const frame = (tag: number, n = 100): Uint8Array => new Uint8Array(n).fill(tag);

test('airtime is frame bits over the bit rate plus TX delay; one frame on air at a time (half duplex)', (t) => {
  const { clock, sent, ch } = world();
  ch.enqueue(frame(1), TxClass.User);
  ch.enqueue(frame(2), TxClass.User);
  clock.advance(0);
  t.is(sent.length, 1);
  const ms = airtimeMs(100, 1200, 300);
  t.is(ms, Math.ceil((104 * 8 * 1000) / 1200) + 300);
  t.is(ch.state, 'transmitting');
  clock.advance(ms - 1);
  t.is(sent.length, 1);
  clock.advance(1);
  t.is(sent.length, 2);
  t.is(sent[1]!.at, ms);
  clock.advance(ms);
  t.is(ch.state, 'idle');
  t.is(ch.counters.airtimeMs, 2 * ms);
  t.is(ch.counters.userMs, 2 * ms);
});

test('user messages go before control frames queued earlier', (t) => {
  const { clock, sent, ch } = world();
  ch.enqueue(frame(9), TxClass.Control);
  clock.advance(0); // on air at once
  ch.enqueue(frame(8), TxClass.Control);
  ch.enqueue(frame(7), TxClass.Control);
  ch.enqueue(frame(1), TxClass.User);
  clock.advance(60_000);
  t.deepEqual(sent.map((s) => s.bytes[0]), [9, 1, 8, 7]);
});

test('p-persistent CSMA: a busy channel defers by slots; p < 1 spreads the start', (t) => {
  let busyUntil = 1000;
  const { clock, sent, ch } = world({}, () => clock.now() < busyUntil);
  ch.enqueue(frame(1), TxClass.User);
  clock.advance(999);
  t.is(sent.length, 0);
  clock.advance(200);
  t.is(sent.length, 1);
  // Slots after the first look are jittered to 0.5..1.5 slot times (unsynchronised stations).
  t.true(sent[0]!.at >= 1000 && sent[0]!.at <= 1150, `sent at ${sent[0]!.at}, within a slot of the channel clearing`);
  busyUntil = 0;
  const starts: number[] = [];
  for (let seed = 0; seed < 20; seed++) {
    const w = world({ persistence: 0.25 }, () => false, seed);
    w.ch.enqueue(frame(1), TxClass.User);
    w.clock.advance(10_000);
    starts.push(w.sent[0]!.at);
  }
  t.true(new Set(starts).size > 3, `p = 0.25 spreads the first transmission over slots: ${starts.join(',')}`);
});

test('the duty cycle holds the transmitter back and the long-run share stays under it', (t) => {
  const { clock, sent, ch } = world({ dutyCycle: 0.1 });
  for (let i = 0; i < 300; i++) ch.enqueue(frame(1, 400), TxClass.User);
  clock.advance(3_600_000);
  const onAir = sent.reduce((a, s) => a + s.ms, 0);
  t.true(onAir / 3_600_000 <= 0.1 + 0.1 * 600_000 / 3_600_000, `duty ${onAir / 3_600_000}`);
  t.true(sent.length > 10);
  t.is(ch.state === 'held' || ch.state === 'contending' || ch.state === 'transmitting' || ch.state === 'idle', true);
});

test('control frames stay under 2 % of time while user frames still flow', (t) => {
  const { clock, sent, ch } = world({ controlShare: 0.02 });
  for (let minute = 0; minute < 60; minute++) {
    for (let i = 0; i < 10; i++) ch.enqueue(frame(2, 200), TxClass.Control);
    ch.enqueue(frame(1, 200), TxClass.User);
    clock.advance(60_000);
  }
  const users = sent.filter((s) => s.bytes[0] === 1).length;
  t.is(users, 60);
  // The budget may spend its ten-minute allowance at once, so allow that over an hour.
  t.true(ch.controlShare() <= 0.02 * (1 + 10 / 60), `control share ${ch.controlShare()}`);
  t.true(ch.controlShare() > 0.01);
});

test('amateur identification: a cold station\'s waiting message, then the ID at once, then at least every 10 minutes', (t) => {
  const idFrame = new Uint8Array([0x49]);
  const { clock, sent, ch } = world({ identify: { everyMs: 600_000, frame: () => idFrame } });
  for (let minute = 0; minute < 30; minute++) {
    ch.enqueue(frame(1), TxClass.User);
    clock.advance(60_000);
  }
  const ids = sent.filter((s) => s.bytes === idFrame).map((s) => s.at);
  // The message carries the callsign in its AX.25 source; FCC 97.119 wants the ID at the end of
  // a communication and every 10 minutes, so it may follow the first frame instead of leading.
  t.not(sent[0]!.bytes, idFrame);
  t.is(sent[1]!.bytes, idFrame, 'the ID right after the first frame');
  t.true(ids.length >= 3);
  for (let i = 1; i < ids.length; i++) t.true(ids[i]! - ids[i - 1]! <= 660_000);
  t.is(ch.counters.idFrames, ids.length);
});

test('amateur identification: with only link setup waiting, the ID goes first', (t) => {
  const idFrame = new Uint8Array([0x49]);
  const { clock, sent, ch } = world({ identify: { everyMs: 600_000, frame: () => idFrame } });
  ch.enqueue(frame(1), TxClass.Setup);
  clock.advance(10_000);
  t.is(sent[0]!.bytes, idFrame);
  t.is(sent.length, 2);
});

test('MTU and link timers scale with the bit rate from 5 bit/s to 500 kbit/s', (t) => {
  t.is(mtuFor(5), 512);
  t.is(mtuFor(9600), 1024);
  t.is(mtuFor(500_000), 2048);
  const slow = radioLinkTimers(5);
  const fast = radioLinkTimers(500_000);
  t.true(slow.keepaliveMs! > 3_600_000);
  t.is(fast.keepaliveMs, 5000);
  t.true(slow.handshakeRetryMs! > 4 * 206 * 8 * 1000 / 5);
});

test('topology pace scales with the slowest radio; fast radios keep the wired defaults', (t) => {
  const fast = radioTopologyTimers(9600, 350);
  t.deepEqual([fast.refreshMs, fast.maxAgeMs], [300_000, 900_000]);
  // Ten record airtimes (keying included): 5.6 s at 9600 bit/s.
  t.true(fast.requestEveryMs >= 2_000 && fast.requestEveryMs < 10_000, `${fast.requestEveryMs}`);
  const afsk = radioTopologyTimers(1200, 350);
  t.true(afsk.refreshMs >= 300_000 && afsk.refreshMs < 400_000, `${afsk.refreshMs}`);
  const hf = radioTopologyTimers(300, 350);
  t.true(hf.refreshMs > 15 * 60_000 && hf.maxAgeMs === 3 * hf.refreshMs, `${hf.refreshMs}`);
  t.true(hf.requestEveryMs >= 60_000, 'a record request is not repeated before its answer could arrive');
});

test('turn-taking: link setup listens first, then yields the turn after a solo frame until the neighbour is heard; user frames go meanwhile', (t) => {
  const { clock, sent, ch } = world({ turnTaking: { replyMs: 3000 } });
  ch.enqueue(frame(3), TxClass.Setup); // our hello, queued as the channel opens
  clock.advance(900);
  t.is(sent.length, 0, 'a second of listening first (plus up to two slots of jitter)');
  ch.enqueue(frame(1), TxClass.User, true); // a message for a cold neighbour: not held back
  clock.advance(150); // within a jittered slot
  t.deepEqual(sent.map((s) => s.bytes[0]), [1]);
  const userMs = sent[0]!.ms;
  clock.advance(userMs + 2000);
  t.is(sent.length, 1, 'the hello waits: the neighbour answers first');
  ch.enqueue(frame(2), TxClass.User); // another message still goes
  clock.advance(150);
  t.deepEqual(sent.map((s) => s.bytes[0]), [1, 2]);
  clock.advance(sent[1]!.ms);
  ch.heard(); // the neighbour's answer came in: its turn is over
  clock.advance(150);
  t.deepEqual(sent.map((s) => s.bytes[0]), [1, 2, 3]);
});

test('turn-taking: without an answer the held hello goes when the reply time is over', (t) => {
  const { clock, sent, ch } = world({ turnTaking: { replyMs: 3000 } });
  clock.advance(2000); // past the listening second
  ch.enqueue(frame(1), TxClass.User, true);
  ch.enqueue(frame(3), TxClass.Setup);
  clock.advance(0);
  const userMs = sent[0]!.ms;
  clock.advance(userMs + 2999);
  t.is(sent.length, 1);
  clock.advance(1);
  t.deepEqual(sent.map((s) => s.bytes[0]), [1, 3]);
});

test('without turn-taking (encrypted radio mode) link setup goes at once', (t) => {
  const { clock, sent, ch } = world();
  ch.enqueue(frame(3), TxClass.Setup);
  clock.advance(0);
  t.is(sent.length, 1);
});
