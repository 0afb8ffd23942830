// A fleet of 3,000 in the simulator (issue 4 asks for the master's figures at 3,000 there):
// scenarios/star-3000-stubs.yaml, the master and two relays with 3,000 stub leaves, full node
// code (links, topology, routes, streams) in virtual time. Reports wall time, events, peak heap
// per simulated node, and whether links, streams and the loop check held. Baseline in the same
// run: the same fleet with leaves holding the whole database, cut to 600 leaves, since the full
// database is O(N^2) and 3,000 of those would not fit a run this size (4 GiB heap ran out).
// Run: node --expose-gc --max-old-space-size=8192 --import tsx bench/fleet-sim.ts
import { loadScenario } from '../simulator/scenario-load.ts';
import { runScenario } from '../simulator/sim-run.ts';
import type { Scenario } from '../simulator/scenario-schema.ts';
import { print } from './machine.ts';

const measure = async (s: Scenario) => {
  globalThis.gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  let seen = 0;
  // Sampled on trace events (the run is one long synchronous stretch between awaits).
  const onEvent = (): void => { if (++seen % 2000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed); };
  try {
    const { summary } = await runScenario(s, { onEvent });
    return {
      nodes: s.nodes, stubs: s.stubs?.length ?? 0, simulatedMs: summary.simulatedMs, wallMs: Math.round(summary.wallMs), events: summary.events,
      allLinksUp: summary.allLinksUp, firstAllUpAtMs: summary.firstAllUpAtMs, streamsIntact: summary.streamsIntact, loops: summary.routes.loops.length,
      peakHeapPerNodeKiB: Math.round((peak - base) / s.nodes / 1024),
    };
  } finally {
    globalThis.gc?.();
  }
};

const fleet = loadScenario('scenarios/star-3000-stubs.yaml');
const leaves = 600;
const full: Scenario = { ...fleet, name: 'star-600-full', nodes: 3 + leaves, stubs: [], streams: fleet.streams.map((st) => ({ ...st, from: st.from === 'n3002' ? `n${2 + leaves}` : st.from === 'n1500' ? 'n300' : st.from, to: st.to === 'n3002' ? `n${2 + leaves}` : st.to === 'n2999' ? `n${leaves}` : st.to })) };
print('fleet-sim', { stubs3000: await measure(fleet), fullDatabase600: await measure(full) });
