// Route setup and repair in the simulator, 300 nodes: setup time against the path's RTT (the
// baseline: one round trip is the floor for any setup that confirms the far end), and repair
// time after random link failures. Virtual time, so the figures do not depend on this machine.
import { parseScenario } from '../simulator/scenario-load.ts';
import { runScenario } from '../simulator/sim-run.ts';
import { SeededRandom } from '../simulator/sim-random.ts';
import { print } from './machine.ts';

const r = SeededRandom.root(42);
const streams = Array.from({ length: 60 }, (_, i) => {
  const a = r.int(300);
  let b = r.int(300);
  if (b === a) b = (b + 1) % 300;
  return `  - { at: ${20 + (i % 20)}s, from: n${a}, to: n${b}, bytes: 20000 }`;
}).join('\n');

const scenario = parseScenario(`
name: route-setup-bench
seed: 3
duration: 3m
nodes: 300
topology: { kind: random, degree: 4 }
link: { latency: 20ms, jitter: 0ms, loss: 0 }
linkConfig: { keepaliveMs: 2000, deadAfterMs: 6000 }
streams:
${streams}
chaos: { linkFailures: 40, crashes: 0, from: 30s, to: 60s, downFor: 60s }
`, 'route-setup-bench.yaml');

const { summary: s } = await runScenario(scenario);
const q = (xs: number[], p: number): number | null => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length === 0 ? null : v[Math.min(v.length - 1, Math.floor(p * v.length))]!;
};
print('route-setup', {
  scenario: '300 nodes, degree 4, 20 ms links without jitter or loss, 60 routes, 40 random link failures',
  routesEstablished: s.routes.established,
  setupOverPathRtt: s.routes.setupRttRatio,
  repairs: s.routes.repaired,
  repairMs: { median: q(s.routes.repairMs, 0.5), p95: q(s.routes.repairMs, 0.95), max: q(s.routes.repairMs, 1) },
  streamsIntact: `${s.streams.filter((x) => x.intact).length}/${s.streams.length}`,
  forwardingLoops: s.routes.loops.length,
  loopChecks: s.routes.loopChecks,
  wallSeconds: Math.round(s.wallMs / 100) / 10,
});
