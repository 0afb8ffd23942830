// Swarm testing (Groce et al., "Swarm Testing", ISSTA 2012; TigerBeetle's VOPR): every seed
// switches a different subset of fault kinds on, at its own rates and link parameters, because a
// run with every fault at once hides the bugs that need a quiet network around one fault.
// Faults fall in the first 60 % of the run; then everything heals (partitions, cuts, crashed
// nodes) and the liveness phase must end with the scenario's expectations met.
import type { SeededRandom } from './sim-random.ts';
import { SeededRandom as Rng } from './sim-random.ts';
import { endpoints, type DocFault, type SwarmDoc } from './swarm-doc.ts';

export interface SwarmKnobs {
  crashes: number; cuts: number; partitions: number; clockSkews: number;
  latency: number; jitter: number; loss: number; duplicate: number; reorder: number;
}

/** Time the liveness phase needs at least: reconnect backoff (30 s max) plus repairs. */
const LIVENESS_MS = 60_000;

const pick = <T>(r: SeededRandom, xs: readonly T[]): T => xs[r.int(xs.length)]!;
const on = (r: SeededRandom, p: number): boolean => r.float() < p;

export const drawSwarm = (base: SwarmDoc, seed: number): { doc: SwarmDoc; knobs: SwarmKnobs } => {
  const r = Rng.root(seed).split('swarm');
  const faultEnd = Math.max(10_000, Math.floor(base.duration * 0.6));
  const duration = Math.max(base.duration, faultEnd + LIVENESS_MS);
  const latency = pick(r, [2, 10, 20, 50, 120]);
  const knobs: SwarmKnobs = {
    crashes: on(r, 0.5) ? 1 + r.int(3) : 0,
    cuts: on(r, 0.5) ? 1 + r.int(4) : 0,
    partitions: on(r, 0.35) ? 1 : 0,
    clockSkews: on(r, 0.3) ? 1 + r.int(2) : 0,
    latency,
    jitter: r.int(Math.floor(latency / 2) + 1),
    loss: on(r, 0.5) ? pick(r, [0.005, 0.02, 0.06]) : 0,
    duplicate: on(r, 0.3) ? pick(r, [0.01, 0.05]) : 0,
    reorder: on(r, 0.3) ? pick(r, [0.01, 0.05]) : 0,
  };
  const names = Array.from({ length: base.nodes }, (_, i) => `n${i}`);
  // Stream and SMS endpoints do not crash: a crashed endpoint loses its stream by definition.
  const spare = endpoints(base);
  const crashable = names.filter((n) => !spare.has(n));
  const start = Math.min(5_000, Math.floor(faultEnd / 4));
  const when = (): number => start + r.int(faultEnd - start);
  const faults: DocFault[] = [...base.faults];
  for (let i = 0; i < knobs.crashes && crashable.length > 0; i++) {
    const node = pick(r, crashable);
    const at = when();
    faults.push({ at, kind: 'crash', node }, { at: Math.min(faultEnd, at + 1_000 + r.int(20_000)), kind: 'restart', node });
  }
  const edges = base.topology.edges;
  for (let i = 0; i < knobs.cuts && edges.length > 0; i++) {
    const [a, b] = pick(r, edges);
    const at = when();
    faults.push({ at, kind: 'cut', a, b }, { at: Math.min(faultEnd, at + 1_000 + r.int(30_000)), kind: 'restore', a, b });
  }
  if (knobs.partitions > 0 && names.length >= 2) {
    const size = 1 + r.int(Math.max(1, Math.floor(names.length / 3)));
    const shuffled = [...names];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = r.int(i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const at = when();
    faults.push({ at, kind: 'partition', groups: [shuffled.slice(0, size).sort(byIndex), shuffled.slice(size).sort(byIndex)] }, { at: Math.min(faultEnd, at + 2_000 + r.int(30_000)), kind: 'heal' });
  }
  for (let i = 0; i < knobs.clockSkews; i++) {
    faults.push({ at: when(), kind: 'clock-offset', node: pick(r, names), offset: (r.int(2) === 0 ? -1 : 1) * (1_000 + r.int(120_000)) });
  }
  // Everything heals at faultEnd: the liveness phase starts from a whole network.
  faults.push({ at: faultEnd, kind: 'heal' });
  faults.sort((x, y) => x.at - y.at);
  const doc: SwarmDoc = {
    ...base,
    name: `${base.name}-swarm`,
    seed,
    duration,
    link: { ...base.link, latency, jitter: knobs.jitter, loss: knobs.loss, duplicate: knobs.duplicate, reorder: knobs.reorder },
    faults,
    expect: { ...base.expect, allLinksUp: true, noLoops: true, ...(base.streams.length > 0 ? { streamsIntact: true } : {}) },
  };
  return { doc, knobs };
};

const byIndex = (a: string, b: string): number => Number(a.slice(1)) - Number(b.slice(1));
