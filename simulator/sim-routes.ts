// Route figures for the summary: setups and repairs from the trace, setup time as a multiple of
// the path's nominal RTT, repair time per failure, and the forwarding-loop check's results.
import type { TraceEvent } from '../src/env/trace.ts';
import type { RouteTable } from '../src/route/route-table.ts';
import type { SimNetwork } from './sim-network.ts';
import { findForwardingLoop, type LoopReport } from './loop-check.ts';

export interface RouteSummary {
  established: number;
  repaired: number;
  failed: number;
  /** Setup time / nominal path RTT (2 × Σ(latency + mean jitter)) for first setups. */
  setupRttRatio: { max: number | null; median: number | null };
  repairMs: number[];
  loopChecks: number;
  loops: LoopReport[];
}

export class SimRoutes {
  private readonly ratios: number[] = [];
  private readonly repairs: number[] = [];
  established = 0;
  failed = 0;
  loopChecks = 0;
  readonly loops: LoopReport[] = [];
  dirty = false;

  constructor(private readonly network: SimNetwork, private readonly nameOf: (address: string) => string) {}

  see(e: TraceEvent): void {
    if (e.ev === 'route.state' && e.to === 'failed') this.failed++;
    if (e.ev !== 'route.established') return;
    if (e.repairMs !== null) return void this.repairs.push(e.repairMs as number);
    this.established++;
    const path = (e.path as string[]).map(this.nameOf);
    let rtt = 0;
    for (let i = 0; i + 1 < path.length; i++) {
      const p = this.network.link(path[i]!, path[i + 1]!)?.params;
      const q = this.network.link(path[i + 1]!, path[i]!)?.params;
      rtt += (p ? p.latencyMs + p.jitterMs / 2 : 0) + (q ? q.latencyMs + q.jitterMs / 2 : 0);
    }
    if (rtt > 0) this.ratios.push((e.setupMs as number) / rtt);
  }

  /** After an event that changed some forwarding table: is there a loop among live nodes? */
  check(tables: ReadonlyMap<string, RouteTable>): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.loopChecks++;
    const loop = findForwardingLoop(tables);
    if (loop && this.loops.length < 10) this.loops.push(loop);
  }

  summary(): RouteSummary {
    const r = [...this.ratios].sort((a, b) => a - b);
    const round = (x: number | undefined): number | null => (x === undefined ? null : Math.round(x * 1000) / 1000);
    return {
      established: this.established,
      repaired: this.repairs.length,
      failed: this.failed,
      setupRttRatio: { max: round(r.at(-1)), median: round(r[Math.floor(r.length / 2)]) },
      repairMs: this.repairs,
      loopChecks: this.loopChecks,
      loops: this.loops,
    };
  }
}
