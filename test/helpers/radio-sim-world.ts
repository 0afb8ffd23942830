// Nodes on one simulated radio channel, without the scenario runner: a virtual clock per node,
// the real RadioCarrier and SkyNode, and the shared medium. For channel-level tests.
import { nullTrace } from '../../src/env/trace.ts';
import { identityFromSeed } from '../../src/identity/identity.ts';
import { nodeSuite } from '../../src/identity/node-suite.ts';
import { SkyNode } from '../../src/node/node.ts';
import { RadioCarrier } from '../../src/radio/radio-carrier.ts';
import { stationText } from '../../src/radio/ax25.ts';
import { stationForAddress } from '../../src/radio/station.ts';
import { dcdLagMs, slotFor } from '../../src/radio/radio-params.ts';
import { EventQueue } from '../../simulator/event-queue.ts';
import { RadioMedium } from '../../simulator/radio-medium.ts';
import { SimClock } from '../../simulator/sim-clock.ts';
import { SeededRandom } from '../../simulator/sim-random.ts';

export interface RadioWorldSpec { nodes: number; bitrate: number; loss: number; amateur: boolean; seed: number; persistence?: number; txDelayMs?: number }

export interface RadioWorld {
  queue: EventQueue;
  medium: RadioMedium;
  nodes: { node: SkyNode; carrier: RadioCarrier }[];
  received: string[][];
}

export const radioWorld = (s: RadioWorldSpec): RadioWorld => {
  const queue = new EventQueue();
  const root = SeededRandom.root(s.seed);
  const txDelayMs = s.txDelayMs ?? 300;
  const medium = new RadioMedium(queue, root.split('medium'), { loss: s.loss, dcdMs: dcdLagMs(s.bitrate) });
  const suite = nodeSuite();
  const nodes = Array.from({ length: s.nodes }, (_, i) => {
    const name = `n${i}`;
    const identity = identityFromSeed(suite, root.split(`id:${name}`).bytes(32));
    const clock = new SimClock(queue, name);
    const random = root.split(`boot:${name}`);
    const carrier = new RadioCarrier({
      kind: 'radio', amateur: s.amateur,
      station: s.amateur ? { call: `K${i}SIM`, ssid: 0 } : stationForAddress(identity.address),
      io: medium.attach(name), clock, random: random.split('radio'),
      channel: { bitrate: s.bitrate, txDelayMs, txTailMs: 50, persistence: s.persistence ?? 0.25, slotMs: slotFor(s.bitrate), dutyCycle: 1, controlShare: 0.02 },
    });
    const node = new SkyNode({ clock, random, trace: nullTrace, suite, identity, name });
    node.attach(carrier);
    return { node, carrier };
  });
  const received: string[][] = nodes.map(() => []);
  nodes.forEach((a, i) => {
    a.node.payload$.subscribe((p) => received[i]!.push(new TextDecoder().decode(p.bytes)));
    nodes.forEach((b, j) => {
      if (i === j) return;
      a.node.addPeer(b.node.address, a.carrier, s.amateur ? b.carrier.local : stationText(stationForAddress(b.node.address)));
    });
  });
  for (const n of nodes) n.node.start();
  return { queue, medium, nodes, received };
};

export const allUp = (w: RadioWorld): boolean =>
  w.nodes.every((n) => [...n.node.links.values()].every((l) => l.state === 'up'));

/** Runs until every link is up or `limitMs` of virtual time passed; returns the time or -1. */
export const runUntilUp = (w: RadioWorld, limitMs: number, stepMs: number): number => {
  while (w.queue.now < limitMs) {
    if (allUp(w)) return w.queue.now;
    w.queue.runUntil(w.queue.now + stepMs);
  }
  return allUp(w) ? w.queue.now : -1;
};
