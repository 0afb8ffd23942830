// SkyNodes on a MemNet and a MemClock: fast, deterministic link tests with no sockets and no
// real time. Every node gets its own seeded Random; all share the one manual clock.
import { nullTrace } from '../../src/env/trace.ts';
import { identityFromSeed, type Identity } from '../../src/identity/identity.ts';
import { nodeSuite } from '../../src/identity/node-suite.ts';
import type { LinkConfig } from '../../src/link/link-config.ts';
import { SkyNode } from '../../src/node/node.ts';
import { MemClock } from './mem-clock.ts';
import { MemNet, type MemCarrier } from './mem-carrier.ts';
import { SeededRandom } from './fuzz-random.ts';

export interface MemNode { node: SkyNode; carrier: MemCarrier; identity: Identity; endpoint: string }

export const seedIdentity = (n: number): Identity => {
  const seed = new Uint8Array(32);
  new DataView(seed.buffer).setUint32(0, n);
  seed[31] = 0x5a;
  return identityFromSeed(nodeSuite(), seed);
};

export class MemWorld {
  readonly clock = new MemClock();
  readonly net: MemNet;
  private seq = 0;

  constructor(latencyMs = 5) {
    this.net = new MemNet({ clock: this.clock, latencyMs });
  }

  node(endpoint: string, identity: Identity = seedIdentity(1000 + this.seq), config?: Partial<LinkConfig>): MemNode {
    const carrier = this.net.carrier(endpoint);
    const node = new SkyNode({ clock: this.clock, random: new SeededRandom(7 + this.seq++ * 7919), trace: nullTrace, suite: nodeSuite(), identity, name: endpoint }, config);
    node.attach(carrier);
    return { node, carrier, identity, endpoint };
  }

  /** Both sides know each other (address and endpoint). */
  peer(a: MemNode, b: MemNode): void {
    a.node.addPeer(b.identity.address, a.carrier, b.endpoint);
    b.node.addPeer(a.identity.address, b.carrier, a.endpoint);
  }

  /** Starts both, advances until both links are up; returns the virtual ms it took (or -1). */
  linkUp(a: MemNode, b: MemNode, limitMs = 10_000): number {
    a.node.start();
    b.node.start();
    return this.clock.advanceUntil(() => stateOf(a, b) === 'up' && stateOf(b, a) === 'up', limitMs, 5);
  }
}

export const stateOf = (n: MemNode, peer: MemNode): string | undefined => n.node.links.get(peer.identity.address)?.state;

export const dropTotal = (drops: Partial<Record<string, number>>): number =>
  Object.values(drops).reduce<number>((s, v) => s + (v ?? 0), 0);
