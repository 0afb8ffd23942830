// One virtual machine in the simulator: a persisted identity ("disk"), and a SkyNode that can
// crash and restart. The node code is the same as on UDP; only clock, random and carrier differ.
import type { CryptoSuite } from '../src/identity/crypto-suite.ts';
import { identityFromSeed, type Identity } from '../src/identity/identity.ts';
import type { Trace } from '../src/env/trace.ts';
import type { LinkConfig } from '../src/link/link-config.ts';
import { SkyNode } from '../src/node/node.ts';
import { Overlay, type OverlayOptions } from '../src/overlay/overlay.ts';
import type { EventQueue } from './event-queue.ts';
import { SimClock } from './sim-clock.ts';
import type { SimNetwork } from './sim-network.ts';
import type { SeededRandom } from './sim-random.ts';
import type { RadioHook } from './radio-channels.ts';
import { radioTopologyTimers } from '../src/radio/radio-topology.ts';
import type { TopologyOptions } from '../src/topology/topology-options.ts';

export interface SimNodeEnv {
  queue: EventQueue;
  network: SimNetwork;
  random: SeededRandom;
  trace: Trace;
  suite: CryptoSuite;
  link?: Partial<LinkConfig>;
  overlay?: OverlayOptions;
  /** Called after each boot, before the node starts: the runner hooks traffic and checks here. */
  onBoot?: (n: SimNode) => void;
  /** Shared radio channels (simulator/radio-channels.ts), if the scenario has any. */
  radio?: RadioHook | undefined;
  /** Nodes that run their topology as stubs (leaves that fetch records on demand). */
  stubs?: ReadonlySet<string> | undefined;
}

export class SimNode {
  readonly name: string;
  /** What survives a crash: the key file. */
  readonly identity: Identity;
  readonly clock: SimClock;
  readonly peers: string[] = [];
  node: SkyNode | undefined;
  overlay: Overlay | undefined;
  boots = 0;
  /** Drop counters of earlier boots, so a crash does not hide them from the summary. */
  readonly pastDrops: Record<string, number> = {};

  constructor(private readonly env: SimNodeEnv, name: string) {
    this.name = name;
    this.identity = identityFromSeed(env.suite, env.random.split(`identity:${name}`).bytes(32));
    this.clock = new SimClock(env.queue, name);
  }

  get alive(): boolean {
    return this.node !== undefined;
  }

  /** Boots the node: a fresh process with the same identity and peer list. */
  boot(addressOf: (name: string) => string): void {
    if (this.node) return;
    const carrier = this.boots === 0 ? this.env.network.attach(this.name) : this.env.network.reattach(this.name);
    const random = this.env.random.split(`boot:${this.name}:${this.boots}`);
    this.boots++;
    const node = new SkyNode({ clock: this.clock, random, trace: this.env.trace, suite: this.env.suite, identity: this.identity, name: this.name }, this.env.link);
    node.attach(carrier);
    for (const p of this.peers) node.addPeer(addressOf(p), carrier, p);
    // Radio neighbours are configured (radio.peers on a real node), so they are static topology
    // too: their links count before the first RTT sample, which on a radio comes minutes later.
    const configured = this.peers.map(addressOf);
    let slowest: Partial<TopologyOptions> = {};
    for (const radio of this.env.radio?.attach(this.name, this.identity.address, this.clock, random.split('radio')) ?? []) {
      node.attach(radio.carrier);
      const t = radioTopologyTimers(radio.carrier.bitrate, radio.keyingMs);
      if (t.refreshMs > (slowest.refreshMs ?? 0)) slowest = t;
      for (const p of radio.peers) {
        if (this.peers.includes(p.name)) continue;
        node.addPeer(addressOf(p.name), radio.carrier, p.endpoint);
        configured.push(addressOf(p.name));
      }
    }
    this.node = node;
    this.overlay = new Overlay(node, { ...this.env.overlay, topology: { staticPeers: configured, ...slowest, ...(this.env.stubs?.has(this.name) ? { stub: true } : {}), ...this.env.overlay?.topology } });
    this.env.onBoot?.(this);
    node.start();
  }

  /** kill -9: timers and in-flight packets vanish, nothing is said to the peers. */
  crash(): void {
    const node = this.node;
    if (!node) return;
    for (const [k, v] of Object.entries(node.drops)) this.pastDrops[k] = (this.pastDrops[k] ?? 0) + v;
    this.env.queue.cancelOwner(this.name);
    this.env.network.detach(this.name);
    this.env.radio?.detach(this.name);
    this.node = undefined;
    this.overlay = undefined;
    this.env.trace.emit({ t: this.env.queue.now, node: this.name, ev: 'node.crash' });
  }

  drops(): Record<string, number> {
    const out = { ...this.pastDrops };
    for (const [k, v] of Object.entries(this.node?.drops ?? {})) out[k] = (out[k] ?? 0) + v;
    return out;
  }
}
