// A lossy one-way datagram pipe on a MemClock: seeded loss, duplication, reordering, latency
// with jitter, and optionally a bandwidth limit with a tail-drop queue. `blackout` loses
// everything, like a route being repaired.
import type { MemClock } from './mem-clock.ts';
import type { SeededRandom } from './fuzz-random.ts';

export interface PipeParams {
  latencyMs: number;
  jitterMs?: number;
  loss?: number;
  dup?: number;
  /** Probability that a packet is held back by up to two latencies more. */
  reorder?: number;
  bandwidthBps?: number;
  /** Bytes the bottleneck queue holds before dropping (with bandwidthBps). */
  queueBytes?: number;
}

export interface PipeStats { sent: number; delivered: number; lost: number; duplicated: number; queueDrops: number; bytesDelivered: number }

export class LossyPipe {
  blackout = false;
  /** Drops the next n packets, then behaves normally (for single-loss tests). */
  dropNext = 0;
  /** When set, drops the packets whose index (0-based, over the pipe's life) it returns true for. */
  dropIf: ((index: number, bytes: Uint8Array) => boolean) | null = null;
  readonly stats: PipeStats = { sent: 0, delivered: 0, lost: 0, duplicated: 0, queueDrops: 0, bytesDelivered: 0 };
  private busyUntil = 0;

  constructor(
    private readonly clock: MemClock,
    private readonly rnd: SeededRandom,
    public params: PipeParams,
    private readonly deliver: (b: Uint8Array) => void,
  ) {}

  send(bytes: Uint8Array): void {
    const index = this.stats.sent++;
    const p = this.params;
    if (this.blackout || (this.dropIf?.(index, bytes) ?? false) || this.dropNext > 0 || this.rnd.float() < (p.loss ?? 0)) {
      if (this.dropNext > 0) this.dropNext--;
      this.stats.lost++;
      return;
    }
    const copies = this.rnd.float() < (p.dup ?? 0) ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    for (let i = 0; i < copies; i++) this.schedule(bytes.slice());
  }

  private schedule(bytes: Uint8Array): void {
    const p = this.params;
    const now = this.clock.now();
    let at = now;
    if (p.bandwidthBps) {
      const start = Math.max(now, this.busyUntil);
      const queued = ((start - now) * p.bandwidthBps) / 8000;
      if (queued + bytes.length > (p.queueBytes ?? 64 * 1024)) {
        this.stats.queueDrops++;
        return;
      }
      this.busyUntil = start + (bytes.length * 8000) / p.bandwidthBps;
      at = this.busyUntil;
    }
    at += p.latencyMs + (p.jitterMs ? this.rnd.float() * p.jitterMs : 0);
    if (this.rnd.float() < (p.reorder ?? 0)) at += this.rnd.float() * 2 * p.latencyMs;
    this.clock.setTimeout(() => {
      this.stats.delivered++;
      this.stats.bytesDelivered += bytes.length;
      this.deliver(bytes);
    }, Math.ceil(at - now));
  }
}
