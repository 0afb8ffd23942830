// Sends records to neighbours under a byte-rate cap per carrier. Each neighbour has a queue
// holding at most one record per origin: a newer record replaces a waiting older one in place
// (keeping its turn), so on a slow radio only the newest state waits and the queue never grows
// past the number of nodes. Neighbours on one carrier share its budget, served round-robin.
import type { Clock, TimerHandle } from '../env/clock.ts';
import type { NeighbourInfo } from '../overlay/link-layer.ts';
import { TRANSPORT_OVERHEAD } from '../wire/constants.ts';
import { ByteBudget } from './byte-budget.ts';
import { fragment } from './topology-wire.ts';

/** Link bytes per payload beyond the payload: transport header, tag, inner type. */
export const PACKET_OVERHEAD = TRANSPORT_OVERHEAD + 1;

export interface FloodPort {
  readonly clock: Clock;
  neighbours(): NeighbourInfo[];
  /** One up neighbour by address (see LinkLayer.neighbour). */
  neighbour?(peer: string): NeighbourInfo | undefined;
  /** Up neighbours' addresses only (cheaper than neighbours() on a hub of a thousand links). */
  upPeers?(): string[];
  sendTo(peer: string, bytes: Uint8Array): boolean;
}

export interface FloodCaps {
  floodShare: number; fastFloodBytesPerSec: number;
  /** How long floods wait for a new neighbour's sync request (Flooder.classified); 0 or unset
   *  floods every up neighbour at once. */
  holdMs?: number;
  /** Whether `peer` may see `origin`'s record (fleet membership: strangers see only the path
   *  to the master); unset, every neighbour sees every record. */
  shareRecord?: ((peer: string, origin: string) => boolean) | undefined;
}

export interface FloodStats { sent: number; bytes: number; unsendable: number }

export class Flooder {
  private readonly queues = new Map<string, Map<string, Uint8Array>>();
  private readonly budgets = new Map<string, ByteBudget>();
  private readonly cursor = new Map<string, string>();
  private timer: { handle: TimerHandle; at: number } | undefined;
  private stopped = false;
  private nextFragmentId = 0;
  /** Neighbours that asked to be stubs: floods skip them (they fetch what they need). */
  readonly stubs = new Set<string>();
  /** Neighbours whose sync request has arrived (stub or full), and when each new link came up.
   *  Until a new neighbour's request arrives (or holdMs passed), floods skip it: a full node
   *  gets every record in the answer to its request anyway, and a stub wants none of them. A
   *  hub that 3,000 stubs join at once otherwise floods each of them every record that arrives
   *  in the ~RTT before their stub requests do (star-3000: 1.2 M of 1.3 M packets at boot). */
  private readonly classified = new Set<string>();
  private readonly upSince = new Map<string, number>();
  /** With trackLinks: up neighbours that get floods (not stubs, past their hold). */
  private full: Set<string> | undefined;
  readonly stats: FloodStats = { sent: 0, bytes: 0, unsendable: 0 };

  constructor(private readonly port: FloodPort, private readonly caps: FloodCaps) {}

  /** Queues a message for every up neighbour except the one it came from, and except stubs:
   *  even our own record would cost a hub with N stubs N copies of an N-link record whenever a
   *  link changes; a stub gets a fresh copy with every answer to its record requests. */
  flood(origin: string, msg: Uint8Array, except?: string): void {
    const now = this.port.clock.now();
    if (this.full) {
      // Tracked (trackLinks): the full neighbours are a set kept by linkUp/classify/forget, so
      // a hub with 2,000 stubs looks at its few full neighbours, not at 2,000 links per record.
      for (const [peer, since] of this.upSince) {
        if (now - since < (this.caps.holdMs ?? 0)) continue;
        this.upSince.delete(peer);
        this.full.add(peer);
      }
      for (const peer of this.full) if (peer !== except && this.shares(peer, origin)) this.put(peer, origin, msg);
    } else {
      const peers = this.port.upPeers ? this.port.upPeers() : this.port.neighbours().map((n) => n.peer);
      for (const peer of peers) if (peer !== except && !this.stubs.has(peer) && this.heardFrom(peer, now) && this.shares(peer, origin)) this.put(peer, origin, msg);
    }
    this.kick(0);
  }

  /** Switches to tracked flooding: from now on every link change comes through linkUp and
   *  forget (the topology service's subscription); neighbours already up count as full. */
  trackLinks(): void {
    this.full = new Set();
    for (const n of this.port.neighbours()) if (!this.stubs.has(n.peer) && !this.upSince.has(n.peer)) this.full.add(n.peer);
  }

  /** A link to `peer` came up: floods wait for its sync request (at most holdMs). */
  linkUp(peer: string, holdMs = this.caps.holdMs ?? 0): void {
    this.classified.delete(peer);
    this.full?.delete(peer);
    if (holdMs <= 0) {
      this.upSince.delete(peer);
      this.full?.add(peer);
      return;
    }
    this.upSince.set(peer, this.port.clock.now());
  }

  /** `peer`'s sync request arrived: a stub gets no floods, a full node every one from now on. */
  classify(peer: string, stub: boolean): void {
    this.classified.add(peer);
    this.upSince.delete(peer);
    if (stub) this.full?.delete(peer);
    else this.full?.add(peer);
    if (stub) this.stubs.add(peer);
    else this.stubs.delete(peer);
  }

  private heardFrom(peer: string, now: number): boolean {
    if (this.classified.has(peer)) return true;
    const since = this.upSince.get(peer);
    return since === undefined || now - since >= (this.caps.holdMs ?? 0);
  }

  /** Queues `origin`'s record for one neighbour (sync, or a stub's answer), if it may see it. */
  offerRecord(peer: string, origin: string, msg: Uint8Array): void {
    if (this.shares(peer, origin)) this.enqueue(peer, origin, msg);
  }

  private shares(peer: string, origin: string): boolean {
    return this.caps.shareRecord === undefined || this.caps.shareRecord(peer, origin);
  }

  /** Queues a message for one neighbour (database sync). */
  enqueue(peer: string, origin: string, msg: Uint8Array): void {
    this.put(peer, origin, msg);
    this.kick(0);
  }

  /** The link to `peer` went down: what waited for it is moot (it gets a full sync on return). */
  forget(peer: string): void {
    this.queues.delete(peer);
    this.stubs.delete(peer);
    this.classified.delete(peer);
    this.upSince.delete(peer);
    this.full?.delete(peer);
  }

  pending(peer?: string): number {
    if (peer !== undefined) return this.queues.get(peer)?.size ?? 0;
    let n = 0;
    for (const q of this.queues.values()) n += q.size;
    return n;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) this.port.clock.clearTimeout(this.timer.handle);
    this.timer = undefined;
    this.queues.clear();
  }

  private put(peer: string, origin: string, msg: Uint8Array): void {
    let q = this.queues.get(peer);
    if (!q) this.queues.set(peer, (q = new Map()));
    q.set(origin, msg);
  }

  private kick(ms: number): void {
    if (this.stopped) return;
    const at = this.port.clock.now() + ms;
    if (this.timer && this.timer.at <= at) return;
    if (this.timer) this.port.clock.clearTimeout(this.timer.handle);
    this.timer = { at, handle: this.port.clock.setTimeout(() => this.drain(), ms) };
  }

  private drain(): void {
    this.timer = undefined;
    const now = this.port.clock.now();
    const groups = new Map<string, NeighbourInfo[]>();
    for (const n of this.waiting()) {
      const g = groups.get(n.carrier);
      if (g) g.push(n);
      else groups.set(n.carrier, [n]);
    }
    let wait = Infinity;
    for (const [carrier, group] of groups) wait = Math.min(wait, this.drainCarrier(carrier, group, now));
    if (wait < Infinity) this.kick(wait);
  }

  /** Up neighbours with something queued, sorted by address; queues of neighbours that are not
   *  up any more go. A hub with 2,000 links looks up the few with queued messages instead of
   *  building and sorting all 2,000 on every drain. */
  private waiting(): NeighbourInfo[] {
    const port = this.port;
    if (!port.neighbour) {
      const up = new Set<string>();
      const out = port.neighbours().filter((n) => (up.add(n.peer), this.queues.get(n.peer)?.size));
      for (const peer of [...this.queues.keys()]) if (!up.has(peer)) this.queues.delete(peer);
      return out;
    }
    const out: NeighbourInfo[] = [];
    for (const [peer, q] of this.queues) {
      const n = port.neighbour(peer);
      if (!n) this.queues.delete(peer);
      else if (q.size > 0) out.push(n);
    }
    return out.sort((a, b) => (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0));
  }

  /** Sends from `group` (sorted by address) while the budget allows; returns ms to wait, or Infinity. */
  private drainCarrier(carrier: string, group: NeighbourInfo[], now: number): number {
    const budget = this.budgetFor(carrier, group[0]!.bitrate, now);
    // Round-robin: start after the neighbour served last on this carrier.
    const last = this.cursor.get(carrier);
    const start = last === undefined ? 0 : Math.max(0, group.findIndex((n) => n.peer > last));
    const order = [...group.slice(start), ...group.slice(0, start)];
    while (order.length) {
      if (budget && !budget.ready(now)) return budget.waitMs(now);
      const n = order.shift()!;
      const q = this.queues.get(n.peer)!;
      const [origin, msg] = q.entries().next().value!;
      q.delete(origin);
      if (q.size) order.push(n);
      this.cursor.set(carrier, n.peer);
      const wire = this.send(n, msg);
      if (wire < 0) {
        this.stats.unsendable++; // too big even in fragments, or the link just went
        continue;
      }
      budget?.spend(now, wire);
      this.stats.sent++;
      this.stats.bytes += msg.length;
    }
    return Infinity;
  }

  /** One payload, or its fragments back to back past the neighbour's MTU; link bytes or -1. */
  private send(n: NeighbourInfo, msg: Uint8Array): number {
    if (msg.length <= n.payloadMtu) return this.port.sendTo(n.peer, msg) ? msg.length + PACKET_OVERHEAD : -1;
    const parts = fragment(msg, n.payloadMtu, this.nextFragmentId);
    this.nextFragmentId = (this.nextFragmentId + 1) & 0xffff;
    if (!parts) return -1;
    let wire = 0;
    for (const p of parts) {
      if (!this.port.sendTo(n.peer, p)) return -1;
      wire += p.length + PACKET_OVERHEAD;
    }
    return wire;
  }

  private budgetFor(carrier: string, bitrate: number | undefined, now: number): ByteBudget | undefined {
    const rate = bitrate !== undefined ? (this.caps.floodShare * bitrate) / 8 : this.caps.fastFloodBytesPerSec;
    if (rate === Infinity) return undefined;
    let b = this.budgets.get(carrier);
    if (!b || b.bytesPerSec !== rate) this.budgets.set(carrier, (b = new ByteBudget(rate, 0, now)));
    return b;
  }
}
