// A shared radio channel in virtual time: every station hears every other. A frame reaches a
// receiver at the end of its airtime unless another transmission overlapped it there
// (collision), the receiver was keying its own transmitter (half duplex: deaf), the receiver
// was down, or a loss draw says so. Carrier sense lags the start of a transmission by `dcdMs`
// (TX delay and detector time), which is the window in which p-persistent CSMA still collides.
import { Subject } from 'rxjs';
import type { FrameIo } from '../src/radio/radio-carrier.ts';
import type { EventQueue } from './event-queue.ts';
import type { SeededRandom } from './sim-random.ts';

export interface RadioMediumParams { loss: number; dcdMs: number }

export interface RadioMediumStats {
  frames: number;
  delivered: number;
  collisions: number;
  deaf: number;
  lost: number;
  down: number;
  /** Sum of airtime over all transmissions (overlaps counted twice). */
  airtimeMs: number;
}

interface Tx { from: string; start: number; end: number }

export class RadioMedium {
  readonly stats: RadioMediumStats = { frames: 0, delivered: 0, collisions: 0, deaf: 0, lost: 0, down: 0, airtimeMs: 0 };
  private readonly stations = new Map<string, SimRadioIo>();
  private readonly order: string[] = [];
  private recent: Tx[] = [];

  constructor(private readonly queue: EventQueue, private readonly random: SeededRandom, readonly params: RadioMediumParams) {}

  /** A station's radio for one boot; a restart replaces it (the old one goes deaf and mute). */
  attach(name: string): SimRadioIo {
    this.stations.get(name)?.shutdown();
    if (!this.order.includes(name)) this.order.push(name);
    const io = new SimRadioIo(this, name);
    this.stations.set(name, io);
    return io;
  }

  detach(name: string): void {
    this.stations.get(name)?.shutdown();
    this.stations.delete(name);
  }

  busy(name: string): boolean {
    const now = this.queue.now;
    return this.recent.some((t) => t.from !== name && t.start + this.params.dcdMs <= now && now < t.end);
  }

  transmit(from: SimRadioIo, frame: Uint8Array, airtimeMs: number): void {
    if (this.stations.get(from.name) !== from) return;
    const now = this.queue.now;
    const tx: Tx = { from: from.name, start: now, end: now + Math.max(1, airtimeMs) };
    this.prune(now);
    this.recent.push(tx);
    this.stats.frames++;
    this.stats.airtimeMs += tx.end - tx.start;
    const bytes = frame.slice();
    // One draw per possible receiver in a fixed order, whatever happens, so fates never shift.
    for (const to of this.order) {
      if (to === from.name) continue;
      const u = this.random.float();
      this.queue.schedule(tx.end, () => this.arrive(tx, to, bytes, u));
    }
  }

  private arrive(tx: Tx, to: string, bytes: Uint8Array, u: number): void {
    const io = this.stations.get(to);
    if (!io) { this.stats.down++; return; }
    const overlaps = this.recent.filter((o) => o !== tx && o.start < tx.end && tx.start < o.end);
    if (overlaps.some((o) => o.from === to)) { this.stats.deaf++; return; }
    if (overlaps.length > 0) { this.stats.collisions++; return; }
    if (u < this.params.loss) { this.stats.lost++; return; }
    this.stats.delivered++;
    io.frames$.next(bytes);
  }

  // Transmissions that ended long ago cannot overlap anything still in flight.
  private prune(now: number): void {
    if (this.recent.length < 64) return;
    const horizon = now - 24 * 3_600_000;
    const longest = this.recent.reduce((m, t) => Math.max(m, t.end - t.start), 0);
    this.recent = this.recent.filter((t) => t.end >= Math.min(horizon, now - longest));
  }
}

/** One station's FrameIo on a medium. */
export class SimRadioIo implements FrameIo {
  readonly frames$ = new Subject<Uint8Array>();
  private gone = false;

  constructor(private readonly medium: RadioMedium, readonly name: string) {}

  transmit(frame: Uint8Array, airtimeMs: number): void {
    if (!this.gone) this.medium.transmit(this, frame, airtimeMs);
  }

  busy(): boolean {
    return this.medium.busy(this.name);
  }

  close(): Promise<void> {
    this.shutdown();
    return Promise.resolve();
  }

  shutdown(): void {
    if (this.gone) return;
    this.gone = true;
    this.frames$.complete();
  }
}
