// Runs one scenario in virtual time and returns its summary and trace hash. Everything that
// varies between runs comes from the seed, so one scenario and seed give one trace.
import { nodeSuite } from '../src/identity/node-suite.ts';
import type { Trace, TraceEvent } from '../src/env/trace.ts';
import { EventQueue } from './event-queue.ts';
import { SimNetwork } from './sim-network.ts';
import { SeededRandom } from './sim-random.ts';
import { SimTrace } from './trace-sink.ts';
import { buildEdges } from './topology.ts';
import type { Scenario } from './scenario-schema.ts';
import { SimNode } from './sim-node.ts';
import { applyFault } from './faults.ts';
import { summarize, type SimSummary } from './sim-summary.ts';
import { SimCounters } from './sim-counters.ts';

export interface RunOptions {
  seed?: number | undefined;
  traceFile?: string | undefined;
  keepLines?: boolean;
  /** Called with every trace event as it happens (the --watch UI); cannot change the run. */
  onEvent?: (e: TraceEvent) => void;
}

export interface SimRun {
  summary: SimSummary;
  lines: string[] | undefined;
}

export const runScenario = async (scenario: Scenario, opts: RunOptions = {}): Promise<SimRun> => {
  const seed = opts.seed ?? scenario.seed;
  const root = SeededRandom.root(seed);
  const queue = new EventQueue();
  const sink = new SimTrace({ file: opts.traceFile, keepLines: opts.keepLines ? Infinity : 0 });
  const counters = new SimCounters();
  const trace: Trace = {
    emit(e) {
      counters.see(e);
      sink.emit(e);
      opts.onEvent?.(e);
    },
  };
  const network = new SimNetwork({ queue, random: root.split('network'), trace, defaults: scenario.link });
  const suite = nodeSuite();
  const names = Array.from({ length: scenario.nodes }, (_, i) => `n${i}`);
  const nodes = new Map(names.map((n) => [n, new SimNode({ queue, network, random: root, trace, suite, link: scenario.linkConfig }, n)]));
  const edges = buildEdges(scenario.topology, names, root.split('topology'));
  for (const [a, b] of edges) {
    network.connect(a, b);
    nodes.get(a)!.peers.push(b);
    nodes.get(b)!.peers.push(a);
  }
  const addressOf = (name: string): string => nodes.get(name)!.identity.address;
  trace.emit({ t: 0, ev: 'sim.start', scenario: scenario.name, seed, nodes: names.length, edges: edges.length });
  for (const n of nodes.values()) n.boot(addressOf);
  for (const f of scenario.faults) queue.schedule(f.at, () => applyFault({ queue, network, nodes, trace, addressOf }, f), 'scenario');
  const wallStart = process.hrtime.bigint();
  // Check after every event would be costly; link-level checks happen at fixed virtual steps.
  const step = 1000;
  for (let t = step; t <= scenario.duration; t += step) {
    queue.runUntil(t);
    counters.sample(t, nodes, edges);
  }
  queue.runUntil(scenario.duration);
  trace.emit({ t: scenario.duration, ev: 'sim.end' });
  const wallMs = Number(process.hrtime.bigint() - wallStart) / 1e6;
  await sink.close();
  const summary = summarize({ scenario, seed, nodes, edges, network, queue, counters, traceHash: sink.hash(), traceLines: sink.lines, wallMs });
  return { summary, lines: opts.keepLines ? sink.kept() : undefined };
};
