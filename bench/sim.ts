// Simulator throughput: events per second, wall seconds for 300 nodes x 10 simulated minutes,
// and memory per simulated node. Baseline in the same run: the bare event queue with empty
// events, i.e. what the node code costs on top of the scheduler; and for memory, the same 300
// nodes with no links, i.e. what the links themselves cost.
import { loadScenario } from '../simulator/scenario-load.ts';
import { runScenario } from '../simulator/sim-run.ts';
import { EventQueue } from '../simulator/event-queue.ts';
import { print } from './machine.ts';

const bareQueue = (n: number): number => {
  const q = new EventQueue();
  let x = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) q.schedule((i * 7919) % 600_000, () => { x++; });
  q.runUntil(600_000);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (x !== n) throw new Error('queue lost events');
  return Math.round(n / secs);
};

const gc = (globalThis as { gc?: () => void }).gc;
const scenario = loadScenario('scenarios/mesh-300.yaml');

/** Heap growth per node, measured after GC while the run's whole world is still alive. */
const heapPerNode = async (s: typeof scenario): Promise<{ kib: number | null; summary: Awaited<ReturnType<typeof runScenario>>['summary'] }> => {
  gc?.();
  const before = process.memoryUsage().heapUsed;
  let at = 0;
  const { summary } = await runScenario(s, {
    onEvent: (e) => { if (e.ev === 'sim.end') { gc?.(); at = process.memoryUsage().heapUsed; } },
  });
  return { kib: gc ? Math.round((at - before) / s.nodes / 1024) : null, summary };
};

const idle = await heapPerNode({ ...scenario, faults: [], duration: 10_000, topology: { kind: 'edges', edges: [] } });
const mesh = { ...scenario, faults: [], duration: 600_000 };
const { kib, summary } = await heapPerNode(mesh);
print('simulator', {
  scenario: `${mesh.name} without faults, ${mesh.nodes} nodes, ${summary.links} links, ${mesh.duration / 60000} simulated minutes`,
  wallSeconds: Math.round(summary.wallMs / 100) / 10,
  simulatedSecondsPerWallSecond: Math.round(mesh.duration / summary.wallMs),
  events: summary.events,
  eventsPerSecond: Math.round(summary.events / (summary.wallMs / 1000)),
  bareQueueEventsPerSecond: bareQueue(2_000_000),
  allLinksUp: summary.allLinksUp,
  heapPerNodeKiB: kib,
  heapPerNodeWithoutLinksKiB: idle.kib,
  heapPerLinkEndKiB: kib !== null && idle.kib !== null ? Math.round(((kib - idle.kib) * mesh.nodes) / (2 * summary.links)) : null,
  note: gc ? 'heap measured after GC at the end of the run' : 'run with node --expose-gc for memory per node',
});
