// Simulator throughput: events per second, wall seconds for 300 nodes x 10 simulated minutes,
// and memory per simulated node. Baseline in the same run: the bare event queue with empty
// events, i.e. what the node code costs on top of the scheduler.
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
gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const scenario = loadScenario('scenarios/mesh-300.yaml');
const mesh = { ...scenario, faults: [], duration: 600_000 };
let heapPeak = 0;
const { summary } = await runScenario(mesh, {
  onEvent: (e) => { if (e.ev === 'sim.end') { gc?.(); heapPeak = process.memoryUsage().heapUsed; } },
});
print('simulator', {
  scenario: `${mesh.name} without faults, ${mesh.nodes} nodes, ${summary.links} links, ${mesh.duration / 60000} simulated minutes`,
  wallSeconds: Math.round(summary.wallMs / 100) / 10,
  simulatedSecondsPerWallSecond: Math.round(mesh.duration / summary.wallMs),
  events: summary.events,
  eventsPerSecond: Math.round(summary.events / (summary.wallMs / 1000)),
  bareQueueEventsPerSecond: bareQueue(2_000_000),
  allLinksUp: summary.allLinksUp,
  heapPerNodeKiB: gc ? Math.round((heapPeak - heapBefore) / mesh.nodes / 1024) : null,
  note: gc ? 'heap measured after GC at the end of the run' : 'run with node --expose-gc for memory per node',
});
