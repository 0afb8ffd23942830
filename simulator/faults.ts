// Applies one scheduled scenario fault. Faults go through the event queue like everything else,
// so they interleave with packets by (time, sequence) and replay identically.
import type { Trace } from '../src/env/trace.ts';
import type { EventQueue } from './event-queue.ts';
import type { Fault } from './scenario-schema.ts';
import type { SimNetwork } from './sim-network.ts';
import type { SimNode } from './sim-node.ts';

export interface FaultWorld {
  queue: EventQueue;
  network: SimNetwork;
  nodes: Map<string, SimNode>;
  trace: Trace;
  addressOf: (name: string) => string;
}

export const applyFault = (w: FaultWorld, f: Fault): void => {
  const t = w.queue.now;
  switch (f.kind) {
    case 'cut': w.network.cut(f.a, f.b); break;
    case 'restore': w.network.restore(f.a, f.b); break;
    case 'partition': w.network.partition(f.groups[0]!, f.groups[1]!); break;
    case 'heal': w.network.heal(); break;
    case 'crash': w.nodes.get(f.node)!.crash(); break;
    case 'restart': w.nodes.get(f.node)!.boot(w.addressOf); break;
    case 'clock-offset': w.nodes.get(f.node)!.clock.offsetMs = f.offset; break;
  }
  w.trace.emit({ t, ev: 'fault', fault: f.kind, detail: faultDetail(f) });
};

const faultDetail = (f: Fault): string => {
  switch (f.kind) {
    case 'cut': case 'restore': return `${f.a}-${f.b}`;
    case 'partition': return f.groups.map((g) => g.join(',')).join(' | ');
    case 'heal': return '';
    case 'crash': case 'restart': return f.node;
    case 'clock-offset': return `${f.node} ${f.offset}ms`;
  }
};
