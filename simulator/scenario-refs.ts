// Checks zod cannot express field by field: node names that must exist, faults inside the run,
// groups that must not overlap. Returns the first problem as (field path, message).
import type { Scenario } from './scenario-schema.ts';

export interface RefProblem { path: string; message: string }

export const nodeNames = (count: number): string[] => Array.from({ length: count }, (_, i) => `n${i}`);

export const checkRefs = (s: Scenario): RefProblem | undefined => {
  const names = new Set(nodeNames(s.nodes));
  const range = s.nodes === 1 ? 'the only node is n0' : `nodes are n0..n${s.nodes - 1}`;
  const node = (path: string, n: string): RefProblem | undefined =>
    names.has(n) ? undefined : { path, message: `no node "${n}" (${range})` };
  const pair = (path: string, a: string, b: string): RefProblem | undefined =>
    node(`${path}.0`, a) ?? node(`${path}.1`, b) ?? (a === b ? { path, message: `a link needs two different nodes, got "${a}" twice` } : undefined);

  const t = s.topology;
  if (t.kind === 'edges') {
    const seen = new Set<string>();
    for (const [i, [a, b]] of t.edges.entries()) {
      const p = pair(`topology.edges.${i}`, a, b);
      if (p) return p;
      const key = a < b ? `${a} ${b}` : `${b} ${a}`;
      if (seen.has(key)) return { path: `topology.edges.${i}`, message: `duplicate edge ${a}-${b}` };
      seen.add(key);
    }
  }
  if (t.kind === 'random' && t.degree > s.nodes - 1) {
    return { path: 'topology.degree', message: `degree ${t.degree} needs at least ${t.degree + 1} nodes, the scenario has ${s.nodes}` };
  }

  for (const [i, st] of s.streams.entries()) {
    const p = `streams.${i}`;
    const problem = node(`${p}.from`, st.from) ?? node(`${p}.to`, st.to) ?? (st.from === st.to ? { path: `${p}.to`, message: 'a stream needs two different nodes' } : undefined);
    if (problem) return problem;
    if (st.at > s.duration) return { path: `${p}.at`, message: `at ${st.at}ms is after the end of the run (duration ${s.duration}ms)` };
  }
  if (s.chaos && s.chaos.from > s.chaos.to) return { path: 'chaos.to', message: 'chaos.to must not be before chaos.from' };

  for (const [i, f] of s.faults.entries()) {
    const p = `faults.${i}`;
    if (f.at > s.duration) return { path: `${p}.at`, message: `at ${f.at}ms is after the end of the run (duration ${s.duration}ms)` };
    let problem: RefProblem | undefined;
    switch (f.kind) {
      case 'cut': case 'restore':
        problem = node(`${p}.a`, f.a) ?? node(`${p}.b`, f.b) ?? (f.a === f.b ? { path: `${p}.b`, message: `cannot ${f.kind} a node's link to itself` } : undefined);
        break;
      case 'partition': {
        const [ga, gb] = f.groups;
        // Ranges are expanded by now, so name the group rather than an item index.
        problem = ga.map((n) => node(`${p}.groups.0`, n)).find(Boolean) ?? gb.map((n) => node(`${p}.groups.1`, n)).find(Boolean);
        const both = gb.find((n) => ga.includes(n));
        if (!problem && both) problem = { path: `${p}.groups`, message: `node "${both}" is on both sides of the partition` };
        break;
      }
      case 'crash': case 'restart': case 'clock-offset':
        problem = node(`${p}.node`, f.node);
        break;
      case 'heal':
        break;
    }
    if (problem) return problem;
  }
  return undefined;
};
