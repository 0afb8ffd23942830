// Simulator speed and memory, against the three goals of issue 18, side by side with the bare
// event queue in the same run (what the node code costs on top of the scheduler):
//   1. scenarios/mesh-300.yaml as written (300 nodes, 10 simulated minutes, its faults): wall
//      and CPU seconds, goal <= 30 s on one core;
//   2. scenarios/fleet-10k.yaml (10,005 nodes: the master, four relays, 10,000 stub leaves, 5
//      simulated minutes): wall seconds and peak RSS, goal <= 10 min and <= 12 GB
//      (BENCH_SIM_10K=0 skips it: it takes minutes);
//   3. heap per full node at 300 nodes (mesh-300 without faults, after GC), goal < 300 KiB;
// plus what the TTY progress line costs (its update once per simulated second, timed).
// Run: node --expose-gc --max-old-space-size=12288 --import tsx bench/sim.ts
import { loadScenario } from '../simulator/scenario-load.ts';
import { runScenario } from '../simulator/sim-run.ts';
import { EventQueue } from '../simulator/event-queue.ts';
import { progressLine } from '../src/cli/sim-progress.ts';
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
const cpuS = (c: NodeJS.CpuUsage): number => Math.round((c.user + c.system) / 1e5) / 10;

// 1. mesh-300 as written, with a progress line rendered to a sink (timed, not shown).
const mesh = loadScenario('scenarios/mesh-300.yaml');
const progress = progressLine('bench', true);
let progressNs = 0n;
let progressCalls = 0;
const write = process.stderr.write.bind(process.stderr);
const cpu0 = process.cpuUsage();
const meshRun = await runScenario(mesh, {
  onProgress: (p) => {
    const t = process.hrtime.bigint();
    process.stderr.write = (() => true) as typeof process.stderr.write;
    progress?.update(p);
    process.stderr.write = write;
    progressNs += process.hrtime.bigint() - t;
    progressCalls++;
  },
});
const meshCpu = process.cpuUsage(cpu0);
const m = meshRun.summary;

// 3. Heap per node: mesh-300 without faults, and the same nodes without links.
const heapPerNode = async (s: typeof mesh): Promise<number | null> => {
  gc?.();
  const before = process.memoryUsage().heapUsed;
  let at = 0;
  await runScenario(s, { onEvent: (e) => { if (e.ev === 'sim.end') { gc?.(); at = process.memoryUsage().heapUsed; } } });
  return gc ? Math.round((at - before) / s.nodes / 1024) : null;
};
const quiet = { ...mesh, faults: [], duration: 120_000 };
const kib = await heapPerNode(quiet);
const idleKib = await heapPerNode({ ...quiet, duration: 10_000, topology: { kind: 'edges', edges: [] } });

// 2. fleet-10k.
let fleet: Record<string, unknown> = { skipped: 'BENCH_SIM_10K=0' };
if (process.env.BENCH_SIM_10K !== '0') {
  const f = loadScenario('scenarios/fleet-10k.yaml');
  let peakRss = 0;
  const c0 = process.cpuUsage();
  const r = await runScenario(f, { onProgress: () => { peakRss = Math.max(peakRss, process.memoryUsage().rss); } });
  const s = r.summary;
  fleet = {
    nodes: f.nodes, simulatedMinutes: f.duration / 60_000, wallSeconds: Math.round(s.wallMs / 100) / 10, cpuSeconds: cpuS(process.cpuUsage(c0)), events: s.events,
    peakRssGiB: Math.round((peakRss / 2 ** 30) * 100) / 100, rssPerNodeKiB: Math.round(peakRss / f.nodes / 1024),
    allLinksUp: s.allLinksUp, firstAllUpAtMs: s.firstAllUpAtMs, streamsIntact: s.streamsIntact, loops: s.routes.loops.length,
    goal: 'wall <= 600 s, <= 12 GB', met: s.wallMs <= 600_000 && peakRss <= 12 * 2 ** 30,
  };
}

print('simulator', {
  mesh300: {
    scenario: `${mesh.name} as written: ${mesh.nodes} nodes, ${m.links} links, ${mesh.duration / 60_000} simulated minutes, ${mesh.faults.length} faults`,
    wallSeconds: Math.round(m.wallMs / 100) / 10, cpuSeconds: cpuS(meshCpu), simulatedSecondsPerWallSecond: Math.round((mesh.duration / m.wallMs) * 10) / 10,
    events: m.events, eventsPerSecond: Math.round(m.events / (m.wallMs / 1000)), usPerEvent: Math.round((m.wallMs * 1000) / m.events * 10) / 10,
    allLinksUp: m.allLinksUp, traceHash: m.traceHash, goal: 'wall <= 30 s', met: m.wallMs <= 30_000,
  },
  bareQueueEventsPerSecond: bareQueue(2_000_000),
  fleet10k: fleet,
  heapPerFullNodeKiB: { at300: kib, withoutLinks: idleKib, goal: '< 300 KiB', met: kib !== null && kib < 300, note: gc ? 'mesh-300 without faults, 2 simulated minutes, heap after GC at the end' : 'run with node --expose-gc' },
  progressLine: { calls: progressCalls, totalMs: Math.round(Number(progressNs) / 1e4) / 100, shareOfRunPct: Math.round((Number(progressNs) / 1e6 / m.wallMs) * 100_000) / 1000 },
});
