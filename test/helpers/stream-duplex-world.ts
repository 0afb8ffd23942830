// Two StreamMuxes (Node Duplex streams) joined by lossy pipes on a MemClock. Node streams defer
// work to process.nextTick and setImmediate, so tests move virtual time in small steps and let
// the real event loop turn between them (settle/until).
import { MemClock } from './mem-clock.ts';
import { SeededRandom } from './fuzz-random.ts';
import { LossyPipe, type PipeParams } from './stream-pipe.ts';
import { StreamMux, type StreamHandler } from '../../src/stream/stream-mux.ts';
import type { StreamConfig } from '../../src/stream/stream-config.ts';

export interface DuplexWorld {
  clock: MemClock;
  a: StreamMux;
  b: StreamMux;
  ab: LossyPipe;
  ba: LossyPipe;
  /** Listeners at b by port; a has none. */
  listen: Map<number, StreamHandler>;
  datagrams: { srcPort: number; dstPort: number; bytes: Uint8Array }[];
}

export const duplexWorld = (seed: number, params: PipeParams, config?: Partial<StreamConfig>): DuplexWorld => {
  const clock = new MemClock();
  const rnd = new SeededRandom(seed);
  const listen = new Map<number, StreamHandler>();
  const datagrams: DuplexWorld['datagrams'] = [];
  const w = { clock, listen, datagrams } as Partial<DuplexWorld> as DuplexWorld;
  w.a = new StreamMux({ clock, random: rnd, mtu: 1200, initiator: true, send: (b) => w.ab.send(b), listener: () => undefined, config });
  w.b = new StreamMux({
    clock, random: rnd, mtu: 1200, initiator: false, send: (b) => w.ba.send(b), config,
    listener: (port) => listen.get(port),
    onDatagram: (d) => void datagrams.push(d),
  });
  w.ab = new LossyPipe(clock, rnd, params, (b) => w.b.receive(b));
  w.ba = new LossyPipe(clock, rnd, { ...params }, (b) => w.a.receive(b));
  return w;
};

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Advances virtual time by `ms` in `step`s, letting Node's stream machinery run between steps. */
export const settle = async (clock: MemClock, ms: number, step = 5): Promise<void> => {
  for (let t = 0; t < ms; t += step) {
    clock.advance(Math.min(step, ms - t));
    await turn();
  }
};

/** Steps until `done()`; returns the virtual ms it took, or -1 past `limitMs`. */
export const until = async (clock: MemClock, done: () => boolean, limitMs: number, step = 5): Promise<number> => {
  const start = clock.now();
  while (!done()) {
    if (clock.now() - start >= limitMs) return -1;
    clock.advance(step);
    await turn();
  }
  return clock.now() - start;
};
