// Counts what the summary reports, from the trace stream and from periodic samples.
import type { TraceEvent } from '../src/env/trace.ts';
import type { SimNode } from './sim-node.ts';

export class SimCounters {
  handshakes = 0;
  linkTransitions = 0;
  crashes = 0;
  faults = 0;
  firstAllUpAt: number | null = null;
  lastFaultAt = 0;
  /** Last time the sample saw every link up after the most recent fault (reconvergence). */
  reconvergedAt: number | null = null;
  linksUp = 0;

  see(e: TraceEvent): void {
    switch (e.ev) {
      case 'link.session': this.handshakes++; break;
      case 'link.state': this.linkTransitions++; break;
      case 'node.crash': this.crashes++; break;
      case 'fault':
        this.faults++;
        this.lastFaultAt = e.t;
        this.reconvergedAt = null;
        break;
    }
  }

  sample(t: number, nodes: Map<string, SimNode>, edges: [string, string][]): void {
    let up = 0;
    for (const [a, b] of edges) if (linkUp(nodes, a, b) && linkUp(nodes, b, a)) up++;
    this.linksUp = up;
    if (up === edges.length) {
      this.firstAllUpAt ??= t;
      this.reconvergedAt ??= t;
    }
  }
}

const linkUp = (nodes: Map<string, SimNode>, from: string, to: string): boolean => {
  const n = nodes.get(from)!;
  const peer = nodes.get(to)!.identity.address;
  const state = n.node?.links.get(peer)?.state;
  return state === 'up' || state === 'rekeying';
};
