// Turns a scenario's `chaos` section into concrete faults, drawn from the seed: the same
// scenario and seed fail the same links and nodes at the same moments on every run.
import type { Chaos, Fault } from './scenario-schema.ts';
import type { SeededRandom } from './sim-random.ts';

/** Stream endpoints are spared from crashes: a crashed endpoint loses its stream by definition,
 *  and the point of chaos is to see streams survive what happens *between* them. */
export const chaosFaults = (c: Chaos | undefined, edges: readonly [string, string][], allNames: readonly string[], random: SeededRandom, spare: ReadonlySet<string> = new Set()): Fault[] => {
  if (!c) return [];
  const names = allNames.filter((n) => !spare.has(n));
  const out: Fault[] = [];
  const when = (): number => c.from + random.int(Math.max(1, c.to - c.from));
  for (let i = 0; i < c.linkFailures && edges.length > 0; i++) {
    const [a, b] = edges[random.int(edges.length)]!;
    const at = when();
    out.push({ at, kind: 'cut', a, b }, { at: at + c.downFor, kind: 'restore', a, b });
  }
  for (let i = 0; i < c.crashes; i++) {
    const node = names[random.int(names.length)]!;
    const at = when();
    out.push({ at, kind: 'crash', node }, { at: at + c.downFor, kind: 'restart', node });
  }
  return out.sort((x, y) => x.at - y.at);
};
