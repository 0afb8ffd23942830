// Hands every parcel in custody to the next hop on the topology's path to its destination,
// and resends with backoff until that hop acknowledges custody. No path (the destination or
// everything toward it is away): the parcel waits; a link coming up or a topology change
// retries at once whatever the backoff, so a returning node gets its messages promptly.
import type { Clock, TimerHandle } from '../env/clock.ts';
import type { Random } from '../env/random.ts';
import type { LinkLayer } from '../overlay/link-layer.ts';
import { retryDelayMs, type SmsOptions } from './sms-options.ts';
import type { HeldParcel } from './sms-store.ts';

export interface PathSource {
  pathTo(dest: string): string[] | null;
  /** The destination's last signed record, if still held: who it was linked to. */
  record(origin: string): { links: readonly { peer: string }[] } | undefined;
  /** No path: ask the neighbours for the records (a stub node's on-demand lookup). */
  request?(dest: string): void;
}
export interface ForwarderDeps {
  layer: Pick<LinkLayer, 'sendTo' | 'neighbours' | 'countDrop'>;
  self: string;
  topology: PathSource;
  clock: Clock;
  random: Random;
  options: SmsOptions;
  held: () => Record<string, HeldParcel>;
  expire: (key: string) => void;
}
interface Attempt { tries: number; nextAt: number; hop: string | null }

export class SmsForwarder {
  private readonly attempts = new Map<string, Attempt>();
  private timer: TimerHandle | undefined;
  private timerAt = Infinity;
  private stopped = false;
  sends = 0;

  constructor(private readonly d: ForwarderDeps) {}

  /** Toward the destination; when it is away, toward the nearest node it was last linked to
   *  (that node sees it return first). Each hop is strictly nearer such a node, so no loops.
   *  null: hold here (no path at all, or we are one of its last neighbours). */
  nextHop(dest: string): string | null {
    const t = this.d.topology;
    const path = t.pathTo(dest);
    if (path && path.length >= 2) return path[1]!;
    t.request?.(dest);
    let best: string[] | null = null;
    for (const { peer } of t.record(dest)?.links ?? []) {
      if (peer === this.d.self) return null;
      const p = t.pathTo(peer);
      if (p && p.length >= 2 && (!best || p.length < best.length || (p.length === best.length && p[1]! < best[1]!))) best = p;
    }
    return best ? best[1]! : null;
  }

  /** After a link or topology change: parcels whose next hop changed go now, backoff reset. */
  reroute(): void {
    for (const [key, p] of Object.entries(this.d.held())) {
      const hop = this.nextHop(p.dest);
      const a = this.attempts.get(key);
      if (!a || a.hop !== hop) this.attempts.set(key, { tries: 0, nextAt: 0, hop });
    }
    this.pump();
  }

  /** Custody passed on (or the parcel is gone): stop trying. */
  forget(key: string): void {
    this.attempts.delete(key);
  }

  pump(): void {
    if (this.stopped) return;
    const now = this.d.clock.now();
    const wall = this.d.clock.wallMs();
    let next = Infinity;
    for (const [key, p] of Object.entries(this.d.held())) {
      if (wall - p.since > this.d.options.lifetimeMs) { this.forget(key); this.d.expire(key); continue; }
      let a = this.attempts.get(key);
      if (!a) this.attempts.set(key, (a = { tries: 0, nextAt: 0, hop: null }));
      if (a.nextAt > now) { next = Math.min(next, a.nextAt); continue; }
      const frame = new Uint8Array(Buffer.from(p.frame, 'base64'));
      a.hop = this.nextHop(p.dest);
      const nb = a.hop === null ? undefined : this.d.layer.neighbours().find((n) => n.peer === a.hop);
      if (a.hop !== null) {
        if (this.d.layer.sendTo(a.hop, frame)) this.sends++;
        else this.d.layer.countDrop(nb && frame.length > nb.payloadMtu ? 'sms-too-big' : 'sms-send-failed');
      }
      a.nextAt = now + retryDelayMs(this.d.options, a.tries++, frame.length, nb?.bitrate, this.d.random.float());
      next = Math.min(next, a.nextAt);
    }
    this.arm(next);
  }

  private arm(at: number): void {
    if (at >= this.timerAt || at === Infinity) return;
    if (this.timer !== undefined) this.d.clock.clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = this.d.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, Math.max(0, at - this.d.clock.now()));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.d.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
