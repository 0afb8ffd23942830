// The simulated network: named nodes, per-direction links and faults. Every delivery is a queue
// event, so packet order is decided by (time, sequence), never by call stacks. All randomness
// comes from one seeded stream, drawn in a fixed order per send.
import type { Trace } from '../src/env/trace.ts';
import type { EventQueue } from './event-queue.ts';
import { withLinkParamDefaults, type LinkParams } from './link-params.ts';
import { LinkTable } from './link-table.ts';
import { Partitions } from './partitions.ts';
import { CarrierRegistry } from './carrier-registry.ts';
import { newNetStats, type DropReason, type NetStats } from './net-stats.ts';
import { SIM_MTU, type CarrierHost, type SimCarrier } from './sim-carrier.ts';
import type { SimLink } from './sim-link.ts';
import type { SeededRandom } from './sim-random.ts';

export type { DropReason, NetStats } from './net-stats.ts';

export interface SimNetworkInit {
  queue: EventQueue;
  random: SeededRandom;
  trace: Trace;
  defaults?: Partial<LinkParams> | undefined;
  mtu?: number;
}

export class SimNetwork implements CarrierHost {
  readonly stats: NetStats = newNetStats();
  readonly defaults: LinkParams;
  private readonly carriers: CarrierRegistry;
  private readonly links: LinkTable;
  private readonly partitions = new Partitions();
  private readonly queue: EventQueue;
  private readonly random: SeededRandom;
  private readonly trace: Trace;

  constructor(init: SimNetworkInit) {
    this.queue = init.queue;
    this.random = init.random;
    this.trace = init.trace;
    this.defaults = withLinkParamDefaults(init.defaults);
    this.links = new LinkTable(this.defaults);
    this.carriers = new CarrierRegistry(this, init.mtu ?? SIM_MTU);
  }

  attach(name: string): SimCarrier {
    return this.carriers.attach(name);
  }

  /** A fresh carrier for a restarted node; the old one (if any) is dead. */
  reattach(name: string): SimCarrier {
    this.detach(name);
    return this.attach(name);
  }

  /** The node crashed: it sends and receives nothing, and packets in flight to it are dropped. */
  detach(name: string): void {
    this.carriers.detach(name);
  }

  isAttached(name: string): boolean {
    return this.carriers.get(name) !== undefined;
  }

  /** Links a and b both ways; again on a linked pair updates parameters and keeps queue state. */
  connect(a: string, b: string, params?: Partial<LinkParams>): void {
    this.links.connect(a, b, params);
  }

  disconnect(a: string, b: string): void {
    this.links.disconnect(a, b);
  }

  /** One direction of a link, for inspection and per-direction tweaks. */
  link(from: string, to: string): SimLink | undefined {
    return this.links.get(from, to);
  }

  /** Cuts both directions; in-flight datagrams are lost too. False when there is no such link. */
  cut(a: string, b: string): boolean {
    return this.links.setCut(a, b, true);
  }

  restore(a: string, b: string): boolean {
    return this.links.setCut(a, b, false);
  }

  partition(groupA: readonly string[], groupB: readonly string[]): void {
    this.partitions.add(groupA, groupB);
  }

  /** Removes every partition (cuts stay cut). */
  heal(): void {
    this.partitions.clear();
  }

  transmit(from: SimCarrier, to: string, bytes: Uint8Array): void {
    this.stats.sent++;
    const src = from.local;
    if (!from.attached) return this.drop(src, to, 'detached');
    const link = this.links.get(src, to);
    if (link === undefined) return this.drop(src, to, 'no-link');
    if (link.cut) return this.drop(src, to, 'cut');
    if (this.partitions.count > 0 && this.partitions.separates(src, to)) return this.drop(src, to, 'partition');
    if (bytes.length > from.mtu) return this.drop(src, to, 'too-big');
    // Always five draws in this order, whatever happens next, so one datagram's fate never
    // shifts the random stream differently depending on link parameters.
    const r = this.random;
    const uLoss = r.float(), uDup = r.float(), uJitter = r.float(), uReorder = r.float(), uDupJitter = r.float();
    const p = link.params;
    const now = this.queue.now;
    const departs = link.admit(now, bytes.length);
    if (departs === undefined) return this.drop(src, to, 'queue-full');
    if (uLoss < p.loss) return this.drop(src, to, 'loss');
    const base = Math.ceil(departs) + p.latencyMs;
    const extra = uReorder < p.reorder ? 1 + Math.floor((uReorder / p.reorder) * (p.latencyMs + p.jitterMs + 1)) : 0;
    const copy = bytes.slice();
    const crashes = this.carriers.incarnation(to);
    this.schedule(base + Math.floor(uJitter * (p.jitterMs + 1)) + extra, link, to, crashes, src, copy);
    if (uDup < p.duplicate) {
      this.stats.duplicated++;
      this.schedule(base + Math.floor(uDupJitter * (p.jitterMs + 1)), link, to, crashes, src, copy.slice());
    }
  }

  release(carrier: SimCarrier): void {
    this.carriers.release(carrier);
  }

  // The receiver is looked up on arrival, so a datagram sent before its receiver booted (all
  // nodes boot at t=0, one after another) still arrives; one that was in flight while the
  // receiver crashed does not, even if it has restarted since.
  private schedule(at: number, link: SimLink, to: string, crashes: number, from: string, bytes: Uint8Array): void {
    // No owner: a crash must not silently cancel deliveries, they are dropped (and counted) on arrival.
    this.queue.schedule(at, () => {
      const target = this.carriers.get(to);
      if (target === undefined || this.carriers.incarnation(to) !== crashes) return this.drop(from, to, 'detached');
      if (link.cut) return this.drop(from, to, 'cut');
      if (this.partitions.count > 0 && this.partitions.separates(from, to)) return this.drop(from, to, 'partition');
      this.stats.delivered++;
      target.deliver({ from, bytes });
    });
  }

  private drop(from: string, to: string, reason: DropReason): void {
    this.stats.dropped[reason] = (this.stats.dropped[reason] ?? 0) + 1;
    this.trace.emit({ t: this.queue.now, ev: 'net.drop', from, to, reason });
  }
}
