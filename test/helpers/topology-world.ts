// SkyNodes with a TopologyService each, on one MemNet and MemClock, with a shared recording
// trace: the topology layer's integration harness. Links can be cut (both directions lost)
// and nodes restarted with the same identity, optionally with a wall clock that is off.
import type { Clock } from '../../src/env/clock.ts';
import type { Trace, TraceEvent } from '../../src/env/trace.ts';
import type { Identity } from '../../src/identity/identity.ts';
import { nodeSuite } from '../../src/identity/node-suite.ts';
import { SkyNode } from '../../src/node/node.ts';
import { TopologyService } from '../../src/topology/topology-service.ts';
import type { TopologyOptions } from '../../src/topology/topology-options.ts';
import type { MemCarrier } from './mem-carrier.ts';
import { MemWorld, seedIdentity } from './mem-node.ts';
import { SeededRandom } from './fuzz-random.ts';

export interface TopoNode { name: string; identity: Identity; node: SkyNode; carrier: MemCarrier; topo: TopologyService; peers: string[] }

export class TopoWorld {
  readonly mem = new MemWorld(5);
  readonly clock = this.mem.clock;
  readonly events: TraceEvent[] = [];
  readonly nodes = new Map<string, TopoNode>();
  private readonly cuts = new Set<string>();
  private readonly trace: Trace = { emit: (e) => this.events.push(e) };
  private boots = 0;

  constructor(private readonly options: Partial<TopologyOptions> = {}) {
    this.mem.net.taps.push((from, to) => !this.cuts.has(`${from}|${to}`));
  }

  get(name: string): TopoNode {
    return this.nodes.get(name)!;
  }

  addr(name: string): string {
    return this.get(name).identity.address;
  }

  add(name: string, identity = seedIdentity(2000 + this.nodes.size), clock: Clock = this.clock, options: Partial<TopologyOptions> = {}): TopoNode {
    const carrier = this.mem.net.carrier(name);
    const node = new SkyNode({ clock, random: new SeededRandom(11 + this.boots++ * 7919), trace: this.trace, suite: nodeSuite(), identity, name });
    node.attach(carrier);
    const n: TopoNode = { name, identity, node, carrier, topo: new TopologyService(node, { ...this.options, ...options }), peers: this.nodes.get(name)?.peers ?? [] };
    for (const p of n.peers) node.addPeer(this.addr(p), carrier, p);
    this.nodes.set(name, n);
    return n;
  }

  link(a: string, b: string): void {
    this.get(a).peers.push(b);
    this.get(b).peers.push(a);
    this.get(a).node.addPeer(this.addr(b), this.get(a).carrier, b);
    this.get(b).node.addPeer(this.addr(a), this.get(b).carrier, a);
  }

  cut(a: string, b: string): void {
    this.cuts.add(`${a}|${b}`).add(`${b}|${a}`);
  }

  start(): void {
    for (const n of this.nodes.values()) n.node.start();
  }

  /** kill and boot again with the same identity and peers, optionally with a wall clock off by skewMs. */
  restart(name: string, skewMs = 0): TopoNode {
    const old = this.get(name);
    old.topo.stop();
    old.node.stop();
    void old.carrier.close();
    const clock: Clock = skewMs === 0 ? this.clock : {
      now: () => this.clock.now(), wallMs: () => this.clock.wallMs() + skewMs,
      setTimeout: (fn, ms) => this.clock.setTimeout(fn, ms), clearTimeout: (h) => this.clock.clearTimeout(h),
    };
    const n = this.add(name, old.identity, clock);
    n.node.start();
    return n;
  }

  names(): string[] {
    return [...this.nodes.keys()];
  }
}
