// Two conversation ends joined by two lossy pipes on one MemClock, for stream tests at the
// sans-IO level (no Node streams, so everything runs synchronously in virtual time).
import { createHash } from 'node:crypto';
import { MemClock } from './mem-clock.ts';
import { SeededRandom } from './fuzz-random.ts';
import { LossyPipe, type PipeParams } from './stream-pipe.ts';
import { Conversation } from '../../src/stream/conversation.ts';
import type { StreamCore } from '../../src/stream/stream-core.ts';
import type { StreamConfig } from '../../src/stream/stream-config.ts';

export interface World {
  clock: MemClock;
  a: Conversation;
  b: Conversation;
  ab: LossyPipe;
  ba: LossyPipe;
  /** Streams accepted at b, in order. */
  accepted: StreamCore[];
  /** Streams accepted at a (only with `listenA`). */
  acceptedA: StreamCore[];
}

export const world = (seed: number, params: PipeParams, opts: { mtu?: number; config?: Partial<StreamConfig>; listen?: boolean; listenA?: boolean } = {}): World => {
  const clock = new MemClock();
  const rnd = new SeededRandom(seed);
  const accepted: StreamCore[] = [];
  const acceptedA: StreamCore[] = [];
  const mtu = opts.mtu ?? 1200;
  const w = { clock, accepted, acceptedA } as Partial<World> as World;
  w.a = new Conversation({
    clock, random: rnd, mtu, initiator: true, send: (b) => w.ab.send(b), config: opts.config,
    accept: () => (opts.listenA ? (core) => void acceptedA.push(core) : undefined),
  });
  w.b = new Conversation({
    clock, random: rnd, mtu, initiator: false, send: (b) => w.ba.send(b), config: opts.config,
    accept: () => (opts.listen === false ? undefined : (core) => void accepted.push(core)),
  });
  w.ab = new LossyPipe(clock, rnd, params, (b) => w.b.receive(b));
  w.ba = new LossyPipe(clock, rnd, { ...params }, (b) => w.a.receive(b));
  return w;
};

/** Writes `data` into `core` as the app would: only while the send buffer has room, then FIN. */
export const pump = (core: StreamCore, data: Uint8Array, chunk = 16 * 1024, end = true): { written: () => number } => {
  let at = 0;
  const go = (): void => {
    while (at < data.length && core.writable && core.active) {
      const n = Math.min(chunk, data.length - at);
      core.write(data.subarray(at, at + n));
      at += n;
    }
    if (at >= data.length && end) core.end();
  };
  core.events.writable = go;
  go();
  return { written: () => at };
};

/** Reads everything `core` delivers as the app would. */
export const drain = (core: StreamCore): { bytes: () => number; data: () => Buffer; ended: () => boolean } => {
  const chunks: Uint8Array[] = [];
  let n = 0;
  core.events.readable = () => {
    for (let b = core.read(); b; b = core.read()) {
      chunks.push(b);
      n += b.length;
    }
  };
  return { bytes: () => n, data: () => Buffer.concat(chunks), ended: () => core.readEnded };
};

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
