// Frames from a stream taken one at a time with a deadline each: for exchanges of several
// steps (ready, payload, reply) where the reader awaits the next frame instead of reacting.
import type { Duplex } from 'node:stream';
import type { Clock } from '../env/clock.ts';
import { readFrames } from './frames.ts';

export class FrameQueue {
  private readonly queue: Uint8Array[] = [];
  private waiter: ((f: Uint8Array | null) => void) | undefined;
  private closed = false;
  readonly stop: () => void;

  constructor(stream: Duplex, private readonly clock: Clock, max?: number) {
    this.stop = readFrames(stream, (f) => this.push(f), max);
    const end = (): void => { this.closed = true; this.waiter?.(null); };
    stream.on('close', end);
    stream.on('end', end);
  }

  private push(f: Uint8Array): void {
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w(f);
    } else this.queue.push(f);
  }

  /** The next frame, or null when the stream closed or `timeoutMs` passed first. */
  next(timeoutMs: number): Promise<Uint8Array | null> {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift()!);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const t = this.clock.setTimeout(() => { this.waiter = undefined; resolve(null); }, timeoutMs);
      this.waiter = (f) => { this.clock.clearTimeout(t); this.waiter = undefined; resolve(f); };
    });
  }
}
