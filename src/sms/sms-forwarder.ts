// Hands every parcel in custody to the next hop toward its destination, and resends with backoff
// until a hop acknowledges custody. The next hop is, in order: the topology's path; the
// destination itself when it is a neighbour; the neighbour a parcel signed by the destination
// last came in from (a breadcrumb: a receipt goes back the way its message came, with no map);
// a neighbour the destination was last linked to. With none of these, a parcel on a radio is
// flooded to the radio neighbours on the other channels than the one it came in on (a managed
// flood: each node floods a given parcel once, src/sms/sms-service.ts drops what comes back): the first message over a
// cold mesh needs no topology records, which at 2 % of 1200 bit/s take minutes to arrive.
// Nothing at all (the destination and everything toward it is away): the parcel waits; a link
// coming up or a topology change retries at once whatever the backoff.
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
  layer: Pick<LinkLayer, 'sendTo' | 'neighbours' | 'countDrop' | 'soloNeighbours'>;
  self: string;
  topology: PathSource;
  clock: Clock;
  random: Random;
  options: SmsOptions;
  held: () => Record<string, HeldParcel>;
  expire: (key: string) => void;
}
interface Attempt { tries: number; nextAt: number; hops: string }
/** Breadcrumbs kept (address -> neighbour), and for how long one is trusted. */
const MAX_CRUMBS = 4096;
const CRUMB_MS = 30 * 60_000;
/** A breadcrumb is not replaced by another way for this long after it was laid. */
const CRUMB_KEEP_MS = 60_000;
/** Parcel keys flooded, remembered so a copy coming back is not taken and flooded again. */
const MAX_FLOODED = 10_000;

export class SmsForwarder {
  private readonly attempts = new Map<string, Attempt>();
  private timer: TimerHandle | undefined;
  private timerAt = Infinity;
  private stopped = false;
  private readonly crumbs = new Map<string, { via: string; at: number }>();
  /** Parcels this node flooded (or took from a flood and passed on): a copy that comes back
   *  is a duplicate, never taken again. */
  readonly flooded = new Set<string>();
  sends = 0;
  floods = 0;

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

  /** A parcel signed by `origin` came in from neighbour `via`: the way back to `origin`. */
  learn(origin: string, via: string): void {
    if (origin === this.d.self || via === this.d.self) return;
    // The first copy to arrive marks the way; later copies of a flood (slower, by other ways)
    // must not turn it round, or two relays could point at each other for a while.
    const had = this.crumbs.get(origin);
    if (had && had.via !== via && this.d.clock.now() - had.at < CRUMB_KEEP_MS) return;
    this.crumbs.delete(origin);
    if (this.crumbs.size >= MAX_CRUMBS) this.crumbs.delete(this.crumbs.keys().next().value!);
    this.crumbs.set(origin, { via, at: this.d.clock.now() });
  }

  /** Where a held parcel goes now: one hop, or every radio neighbour but its sender (flood). */
  hopsFor(key: string, p: Pick<HeldParcel, 'dest' | 'from'>): { hops: string[]; flood: boolean } {
    const one = this.nextHop(p.dest);
    if (one !== null) return { hops: [one], flood: false };
    if (this.d.options.routing === 'map') return { hops: [], flood: false };
    if (this.reachable(true).some((n) => n.peer === p.dest)) return { hops: [p.dest], flood: false };
    const up = this.reachable(false);
    const c = this.crumbs.get(p.dest);
    if (c && this.d.clock.now() - c.at < CRUMB_MS && c.via !== p.from && up.some((n) => n.peer === c.via)) return { hops: [c.via], flood: false };
    if (this.d.topology.record(p.dest)?.links.some((l) => l.peer === this.d.self)) return { hops: [], flood: false }; // we are its last neighbour: it comes back to us
    // Not back onto the channel it came in on: the neighbour that sent it floods there itself
    // (everyone on a shared channel is its neighbour too), so those stations have their copy.
    const inOn = p.from === null ? undefined : up.find((n) => n.peer === p.from)?.carrier;
    const radios = up.filter((n) => n.bitrate !== undefined && n.peer !== p.from && n.carrier !== inOn).map((n) => n.peer).sort();
    if (radios.length === 0) return { hops: [], flood: false };
    if (!this.flooded.has(key)) {
      if (this.flooded.size >= MAX_FLOODED) this.flooded.delete(this.flooded.keys().next().value!);
      this.flooded.add(key);
    }
    return { hops: radios, flood: true };
  }

  /** Neighbours up, then radio neighbours not up yet (a parcel reaches them in a solo frame:
   *  the first message over a cold hop need not wait for the hellos). On a channel shared with
   *  other stations of ours, a cold neighbour is taken only as the destination itself: a flood
   *  of solo copies there (one frame per station, 80 bytes more each) collided with everyone's
   *  hellos and made a 5-node shared-channel chain slower (median 20.6 -> 41.8 s). */
  private reachable(shared: boolean): ReturnType<LinkLayer['neighbours']> {
    const up = this.d.layer.neighbours();
    if (this.d.options.routing === 'map') return up;
    const cold = (this.d.layer.soloNeighbours?.() ?? []).filter((c) => shared || !c.shared);
    return cold.length === 0 ? up : [...up, ...cold.filter((c) => !up.some((n) => n.peer === c.peer))];
  }

  /** After a link or topology change: parcels whose next hop changed go now, backoff reset. */
  reroute(): void {
    for (const [key, p] of Object.entries(this.d.held())) {
      const hops = this.hopsFor(key, p).hops.join();
      const a = this.attempts.get(key);
      if (!a || a.hops !== hops) this.attempts.set(key, { tries: 0, nextAt: 0, hops });
    }
    this.pump();
  }

  /** `peer` could not read what we sent it: parcels going to it go again now (tries kept). */
  retryVia(peer: string): void {
    for (const a of this.attempts.values()) if (a.hops.split(',').includes(peer)) a.nextAt = 0;
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
      if (!a) this.attempts.set(key, (a = { tries: 0, nextAt: 0, hops: '' }));
      if (a.nextAt > now) { next = Math.min(next, a.nextAt); continue; }
      const frame = new Uint8Array(Buffer.from(p.frame, 'base64'));
      const { hops, flood } = this.hopsFor(key, p);
      a.hops = hops.join();
      const up = this.reachable(true);
      let slowest: { bitrate: number | undefined; rttMs: number | null } | undefined;
      for (const hop of hops) {
        const nb = up.find((n) => n.peer === hop);
        if (nb && (!slowest || (nb.bitrate ?? Infinity) < (slowest.bitrate ?? Infinity))) slowest = nb;
        if (this.d.layer.sendTo(hop, frame)) this.sends++;
        else this.d.layer.countDrop(nb && frame.length > nb.payloadMtu ? 'sms-too-big' : 'sms-send-failed');
      }
      if (flood) this.floods++;
      a.nextAt = now + retryDelayMs(this.d.options, a.tries++, frame.length, slowest?.bitrate, this.d.random.float(), slowest?.rttMs ?? undefined);
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
