// What the simulation watch shows at the player's cursor, updated one trace event at a time:
// counters, links up, route states with their latest transitions, fault markers. It only reads
// events, so watching cannot change a run.
import type { TraceEvent } from '../../src/env/trace.ts';

export interface RouteChange { t: number; node: string; dest: string; from: string; to: string }
export interface FaultMark { t: number; fault: string; detail: string }

const KEEP = 200;

export class SimModel {
  t = 0;
  events = 0;
  scenario = '';
  seed = 0;
  nodes = 0;
  readonly linksUp = new Set<string>();
  readonly nodesDown = new Set<string>();
  readonly routes = new Map<string, string>();
  readonly changes: RouteChange[] = [];
  readonly faults: FaultMark[] = [];
  readonly counts = new Map<string, number>();
  last: TraceEvent | undefined;
  private readonly names = new Map<string, string>();

  apply(e: TraceEvent): void {
    this.t = e.t;
    this.events++;
    this.last = e;
    this.counts.set(e.ev, (this.counts.get(e.ev) ?? 0) + 1);
    const node = e.node ?? '';
    switch (e.ev) {
      case 'sim.start': this.scenario = String(e.scenario); this.seed = Number(e.seed); this.nodes = Number(e.nodes); break;
      case 'node.start': this.names.set(String(e.address), node); this.nodesDown.delete(node); break;
      case 'node.crash': case 'node.stop':
        this.nodesDown.add(node);
        for (const k of this.linksUp) if (k.startsWith(`${node}>`)) this.linksUp.delete(k);
        break;
      case 'link.state': {
        const k = `${node}>${this.name(String(e.peer))}`;
        if (e.to === 'up' || e.to === 'rekeying') this.linksUp.add(k);
        else this.linksUp.delete(k);
        break;
      }
      case 'route.state': {
        const dest = this.name(String(e.dest));
        this.routes.set(`${node}>${dest}`, String(e.to));
        this.changes.push({ t: e.t, node, dest, from: String(e.from), to: String(e.to) });
        if (this.changes.length > KEEP) this.changes.splice(0, this.changes.length - KEEP);
        break;
      }
      case 'fault': this.faults.push({ t: e.t, fault: String(e.fault), detail: String(e.detail ?? '') }); break;
    }
  }

  name(address: string): string {
    return this.names.get(address) ?? address.slice(0, 8);
  }

  /** Routes per state, e.g. { established: 3, broken: 1 }. */
  routeStates(): Map<string, number> {
    const m = new Map<string, number>();
    for (const s of this.routes.values()) m.set(s, (m.get(s) ?? 0) + 1);
    return m;
  }
}
