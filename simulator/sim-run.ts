// Runs one scenario in virtual time and returns its summary and trace hash. Everything that
// varies between runs comes from the seed, so one scenario and seed give one trace.
import { nodeSuite } from '../src/identity/node-suite.ts';
import { memoSuite } from './memo-suite.ts';
import { RecordMemo } from '../src/topology/record-memo.ts';
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
import { SimTraffic } from './sim-traffic.ts';
import { SimRoutes } from './sim-routes.ts';
import { chaosFaults } from './chaos.ts';
import { SimSms } from './sim-sms.ts';
import { RadioChannels } from './radio-channels.ts';
import type { RouteTable } from '../src/route/route-table.ts';
import { SimInvariants, type Violation } from './invariants.ts';
import type { PlantableBug } from '../src/route/planted-bugs.ts';

export interface RunOptions {
  seed?: number | undefined;
  traceFile?: string | undefined;
  keepLines?: boolean;
  /** Called with every trace event as it happens (the --watch UI); cannot change the run. */
  onEvent?: (e: TraceEvent) => void;
  /** Once per simulated second (never per event: a progress display costs nothing measurable). */
  onProgress?: (p: SimProgress) => void;
  /** Check the safety invariants (invariants.ts) after every event; the first broken one ends
   *  the run and is returned as `violation`. */
  invariants?: boolean;
  /** Deliberate bugs to switch on for this run (src/route/planted-bugs.ts). */
  plant?: readonly PlantableBug[] | undefined;
}

export interface SimProgress { t: number; duration: number; events: number; linksUp: number; links: number; nodesUp: number; nodes: number }

export interface SimRun {
  summary: SimSummary;
  lines: string[] | undefined;
  /** The first invariant broken (only with `invariants`). */
  violation?: Violation | undefined;
}

export const runScenario = async (scenario: Scenario, opts: RunOptions = {}): Promise<SimRun> => {
  const seed = opts.seed ?? scenario.seed;
  const root = SeededRandom.root(seed);
  const queue = new EventQueue();
  const sink = new SimTrace({ file: opts.traceFile, keepLines: opts.keepLines ? Infinity : 0 });
  const counters = new SimCounters();
  const trace: Trace = {
    emit(e) {
      if (inv && e.ev === 'link.state') inv.dirty = true;
      counters.see(e);
      routes.see(e);
      sink.emit(e);
      opts.onEvent?.(e);
    },
  };
  const network = new SimNetwork({ queue, random: root.split('network'), trace, defaults: scenario.link });
  const suite = memoSuite(nodeSuite());
  // One record memo for every node: each flooded record is parsed and verified once per run.
  const recordMemo = new RecordMemo();
  const names = Array.from({ length: scenario.nodes }, (_, i) => `n${i}`);
  const traffic = new SimTraffic(scenario.streams, root.split('traffic'), () => queue.now, opts.invariants === true);
  const sms = scenario.sms && new SimSms(scenario.sms, () => queue.now);
  const onBoot = (n: SimNode): void => {
    traffic.listen(n.overlay!);
    sms?.boot(n);
    n.overlay!.router.table.onChange = () => {
      routes.dirty = true;
      if (inv) inv.dirty = true;
    };
  };
  const radio: RadioChannels | undefined = scenario.radio && new RadioChannels(scenario.radio, queue, root.split('radio'), (n: string): string => nodes.get(n)!.identity.address);
  const nodes = new Map(names.map((n) => [n, new SimNode({ queue, network, random: root, trace, suite, link: scenario.linkConfig, overlay: { topology: { recordMemo }, ...(opts.plant?.length ? { route: { planted: opts.plant } } : {}) }, onBoot, radio, stubs: new Set(scenario.stubs ?? []) }, n)]));
  const edges = buildEdges(scenario.topology, names, root.split('topology'));
  const nameByAddress = new Map([...nodes.values()].map((n) => [n.identity.address, n.name]));
  const routes = new SimRoutes(network, (a) => nameByAddress.get(a) ?? a);
  const inv: SimInvariants | undefined = opts.invariants
    ? new SimInvariants({ nodes, nameOf: (a) => nameByAddress.get(a) ?? a, streamFault: () => traffic.fault, smsFault: () => sms?.firstDuplicate })
    : undefined;
  let violation: Violation | undefined;
  for (const [a, b] of edges) {
    network.connect(a, b);
    nodes.get(a)!.peers.push(b);
    nodes.get(b)!.peers.push(a);
  }
  const addressOf = (name: string): string => nodes.get(name)!.identity.address;
  trace.emit({ t: 0, ev: 'sim.start', scenario: scenario.name, seed, nodes: names.length, edges: edges.length });
  for (const n of nodes.values()) n.boot(addressOf);
  const faults = [...scenario.faults, ...chaosFaults(scenario.chaos, edges, names, root.split('chaos'), new Set(scenario.streams.flatMap((x) => [x.from, x.to])))];
  for (const f of faults) queue.schedule(f.at, () => applyFault({ queue, network, nodes, trace, addressOf }, f), 'scenario');
  scenario.streams.forEach((st, i) => queue.schedule(st.at, () => {
    const o = nodes.get(st.from)!.overlay;
    if (o) traffic.start(i, o, addressOf(st.to));
    else traffic.results[i]!.error = 'source node is down';
  }, 'scenario'));
  sms?.schedule(queue, nodes, addressOf);
  const tables = (): Map<string, RouteTable> => {
    const m = new Map<string, RouteTable>();
    for (const n of nodes.values()) if (n.overlay) m.set(n.identity.address, n.overlay.router.table);
    return m;
  };
  // Streams are Node Duplexes, which defer work with process.nextTick: let that run after every
  // event, so stream code sees virtual time advance exactly as it would see real time.
  const flush = (): Promise<void> => new Promise((r) => process.nextTick(r));
  const runTo = async (t: number): Promise<void> => {
    while (queue.stepUntil(t)) {
      if (routes.dirty) routes.check(tables());
      if (traffic.started > 0 || sms) await flush();
      if (inv && (violation = inv.check(queue.now) ?? undefined)) return;
      // Within a simulated second too: a 10,000-node boot spends minutes in its first one.
      if (opts.onProgress && (queue.processed & 0x3fff) === 0) report(queue.now);
    }
    queue.runUntil(t);
  };
  const report = (t: number): void => {
    if (!opts.onProgress) return;
    let up = 0;
    for (const n of nodes.values()) if (n.alive) up++;
    opts.onProgress({ t, duration: scenario.duration, events: queue.processed, linksUp: counters.linksUp, links: edges.length, nodesUp: up, nodes: nodes.size });
  };
  const wallStart = process.hrtime.bigint();
  // Check after every event would be costly; link-level checks happen at fixed virtual steps.
  const step = 1000;
  for (let t = step; t <= scenario.duration && !violation; t += step) {
    await runTo(t);
    if (violation) break;
    counters.sample(t, nodes, edges);
    report(t);
  }
  if (!violation) await runTo(scenario.duration);
  if (violation) trace.emit({ t: queue.now, ev: 'sim.violation', invariant: violation.invariant, detail: violation.detail });
  trace.emit({ t: violation ? queue.now : scenario.duration, ev: 'sim.end' });
  const wallMs = Number(process.hrtime.bigint() - wallStart) / 1e6;
  await sink.close();
  const summary = summarize({ scenario, seed, nodes, edges, network, queue, counters, traceHash: sink.hash(), traceLines: sink.lines, wallMs, routes: routes.summary(), streams: traffic.results, faults: faults.length });
  if (sms) summary.sms = sms.summary();
  if (radio) summary.radio = radio.summary();
  return { summary, lines: opts.keepLines ? sink.kept() : undefined, violation };
};
