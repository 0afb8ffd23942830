// Counts what the summary reports, from the trace stream and from periodic samples.
// Reconvergence is measured from transitions, not samples: a fault may take a link down only
// after dead-peer detection, so "all up at the next sample" would claim recovery too early.
import type { TraceEvent } from '../src/env/trace.ts';
import type { SimNode } from './sim-node.ts';

export class SimCounters {
  handshakes = 0;
  linkTransitions = 0;
  crashes = 0;
  faults = 0;
  firstAllUpAt: number | null = null;
  lastFaultAt = 0;
  /** Time of the most recent link state change: when the network last settled. */
  lastTransitionAt = 0;
  linksUp = 0;

  see(e: TraceEvent): void {
    switch (e.ev) {
      case 'link.session': this.handshakes++; break;
      case 'link.state':
        this.linkTransitions++;
        // A rekey (up <-> rekeying) keeps the link usable: it is not a change of topology.
        if (isUp(e.from) !== isUp(e.to)) this.lastTransitionAt = e.t;
        break;
      case 'node.crash': this.crashes++; break;
      case 'fault':
        this.faults++;
        this.lastFaultAt = e.t;
        break;
    }
  }

  sample(t: number, nodes: Map<string, SimNode>, edges: [string, string][]): void {
    let up = 0;
    for (const [a, b] of edges) if (linkUp(nodes, a, b) && linkUp(nodes, b, a)) up++;
    this.linksUp = up;
    if (up === edges.length) this.firstAllUpAt ??= t;
  }
}

const isUp = (s: unknown): boolean => s === 'up' || s === 'rekeying';

const linkUp = (nodes: Map<string, SimNode>, from: string, to: string): boolean => {
  const n = nodes.get(from)!;
  const peer = nodes.get(to)!.identity.address;
  const state = n.node?.links.get(peer)?.state;
  return state === 'up' || state === 'rekeying';
};
