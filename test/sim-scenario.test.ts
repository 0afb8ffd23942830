import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { isSkywireError } from '../src/errors.ts';
import { loadScenario, parseScenario } from '../simulator/scenario-load.ts';
import { parseDuration, type Topology } from '../simulator/scenario-schema.ts';
import { buildEdges } from '../simulator/topology.ts';
import { SeededRandom } from '../simulator/sim-random.ts';
import { tempDir } from './helpers/temp-dirs.ts';

const base = 'name: t\nduration: 1m\nnodes: 4\ntopology: { kind: ring }\n';

const invalid = (t: import('ava').ExecutionContext, text: string, file: string, message: string | RegExp) => {
  const err = t.throws(() => parseScenario(text, file));
  t.true(isSkywireError(err, 'SCENARIO_INVALID'), String(err));
  if (typeof message === 'string') t.true(err!.message.startsWith(message), err!.message);
  else t.regex(err!.message, message);
};

test('parseDuration: units, compounds, numbers, signs', (t) => {
  t.is(parseDuration('500ms'), 500);
  t.is(parseDuration('30s'), 30_000);
  t.is(parseDuration('10m'), 600_000);
  t.is(parseDuration('1h'), 3_600_000);
  t.is(parseDuration('1m30s'), 90_000);
  t.is(parseDuration('1.5s'), 1500);
  t.is(parseDuration('-2s'), -2000);
  t.is(parseDuration(250), 250);
  for (const bad of ['30', '3 0s', 's', '10x', '', true, null, undefined, Number.NaN]) {
    t.throws(() => parseDuration(bad), { message: /expected a duration/ }, JSON.stringify(bad));
  }
});

test('the shipped scenarios load', (t) => {
  const q = loadScenario('scenarios/quickstart.yaml');
  t.is(q.nodes, 8);
  t.is(q.duration, 60_000);
  t.deepEqual(q.faults.map((f) => f.kind), ['cut', 'restore']);
  t.is(q.link.latencyMs, 15);
  const r = loadScenario('scenarios/ring-20.yaml');
  t.deepEqual([r.nodes, r.duration, r.topology.kind], [20, 120_000, 'ring']);
  t.deepEqual(r.faults.map((f) => f.at), [30_000, 60_000]);
  const m = loadScenario('scenarios/mesh-300.yaml');
  t.deepEqual(m.topology, { kind: 'random', degree: 4 });
  t.deepEqual([m.link.latencyMs, m.link.jitterMs, m.link.loss], [20, 5, 0.01]);
  const p = m.faults.find((f) => f.kind === 'partition');
  t.true(p?.kind === 'partition' && p.groups[0].length === 30 && p.groups[1].length === 270);
  t.true(m.faults.some((f) => f.kind === 'crash') && m.faults.some((f) => f.kind === 'heal'));
});

test('defaults fill in and JSON files are accepted', (t) => {
  const s = parseScenario(JSON.stringify({ name: 'j', duration: 5000, nodes: 3, topology: { kind: 'line' } }), 'x.json');
  t.is(s.seed, 1);
  t.deepEqual(s.faults, []);
  t.is(s.link.loss, 0);
  t.is(s.link.bandwidthBps, undefined);
  t.is(s.expect, undefined);
});

test('a missing file is SCENARIO_UNREADABLE naming the path', (t) => {
  const err = t.throws(() => loadScenario('scenarios/nope.yaml'));
  t.true(isSkywireError(err, 'SCENARIO_UNREADABLE'));
  t.regex(err!.message, /scenarios\/nope\.yaml/);
  t.regex(err!.message, /check the path/);
});

test('a bad field names the file and the field path', (t) => {
  const faults = 'faults:\n  - { at: 1s, kind: heal }\n  - { at: 2s, kind: heal }\n  - { at: soon, kind: heal }\n';
  invalid(t, base + faults, 'scenarios/x.yaml', 'scenarios/x.yaml: faults.2.at: expected a duration like "30s"');
  invalid(t, base + 'link: { loss: 2 }\n', 'a.yaml', 'a.yaml: link.loss: ');
  invalid(t, base.replace('nodes: 4', 'nodes: four'), 'a.yaml', 'a.yaml: nodes: ');
  invalid(t, base.replace('name: t\n', ''), 'a.yaml', 'a.yaml: name: required field missing');
  invalid(t, base.replace('duration: 1m', 'duration: 0s'), 'a.yaml', 'a.yaml: duration: expected a duration');
  invalid(t, base.replace('ring', 'hexagon'), 'a.yaml', /^a\.yaml: topology\.kind: expected one of "edges", "line", "star"/);
  invalid(t, base + 'faults: [{ at: 1s, kind: explode }]\n', 'a.yaml', /^a\.yaml: faults\.0\.kind: expected one of /);
});

test('unknown fields are rejected, at any depth', (t) => {
  invalid(t, base + 'colour: blue\n', 'a.yaml', 'a.yaml: colour: unknown field "colour"');
  invalid(t, base + 'link: { latncy: 5ms }\n', 'a.yaml', 'a.yaml: link.latncy: unknown field');
  invalid(t, base + 'faults: [{ at: 1s, kind: crash, node: n1, why: x }]\n', 'a.yaml', 'a.yaml: faults.0.why: unknown field');
});

test('fault and edge node names must exist, faults must fit the run', (t) => {
  invalid(t, base + 'faults: [{ at: 1s, kind: crash, node: n9 }]\n', 'a.yaml', 'a.yaml: faults.0.node: no node "n9" (nodes are n0..n3)');
  invalid(t, base + 'faults: [{ at: 1s, kind: cut, a: n1, b: n1 }]\n', 'a.yaml', 'a.yaml: faults.0.b: ');
  invalid(t, base + 'faults: [{ at: 2m, kind: heal }]\n', 'a.yaml', 'a.yaml: faults.0.at: at 120000ms is after the end');
  invalid(t, base + 'faults: [{ at: 1s, kind: partition, groups: [[n0, n1], [n1..n3]] }]\n', 'a.yaml', 'a.yaml: faults.0.groups: node "n1" is on both sides');
  invalid(t, base + 'faults: [{ at: 1s, kind: partition, groups: [[n0], [n1..n7]] }]\n', 'a.yaml', 'a.yaml: faults.0.groups.1: no node "n4"');
  invalid(t, base + 'faults: [{ at: 1s, kind: partition, groups: [[n0], [n3..n1]] }]\n', 'a.yaml', 'a.yaml: faults.0.groups.1.0: a range goes');
  invalid(t, base.replace('{ kind: ring }', '{ kind: edges, edges: [[n0, n1], [n1, n8]] }'), 'a.yaml', 'a.yaml: topology.edges.1.1: no node "n8"');
  invalid(t, base.replace('{ kind: ring }', '{ kind: edges, edges: [[n0, n1], [n1, n0]] }'), 'a.yaml', 'a.yaml: topology.edges.1: duplicate edge');
  invalid(t, base.replace('{ kind: ring }', '{ kind: random, degree: 4 }'), 'a.yaml', 'a.yaml: topology.degree: ');
  const ok = parseScenario(base + 'faults: [{ at: 1s, kind: clock-offset, node: n2, offset: -3s }]\n', 'a.yaml');
  t.deepEqual(ok.faults[0], { at: 1000, kind: 'clock-offset', node: 'n2', offset: -3000 });
});

test('unparseable YAML is SCENARIO_INVALID naming the file', (t) => {
  invalid(t, 'name: [unclosed\n', 'bad.yaml', /^bad\.yaml: not valid YAML/);
  invalid(t, '- just\n- a list\n', 'bad.yaml', /^bad\.yaml: expected a mapping/);
  const dir = tempDir('scn-');
  writeFileSync(join(dir, 's.json'), '{"name": ');
  const err = t.throws(() => loadScenario(join(dir, 's.json')));
  t.regex(err!.message, /s\.json: not valid JSON/);
});

const names = (n: number) => Array.from({ length: n }, (_, i) => `n${i}`);
const degrees = (edges: [string, string][], n: number) => {
  const d = new Array<number>(n).fill(0);
  for (const [a, b] of edges) {
    d[Number(a.slice(1))]!++;
    d[Number(b.slice(1))]!++;
  }
  return d;
};
const connected = (edges: [string, string][], n: number) => {
  const adj = new Map<string, string[]>(names(n).map((x) => [x, []]));
  for (const [a, b] of edges) {
    adj.get(a)!.push(b);
    adj.get(b)!.push(a);
  }
  const seen = new Set(['n0']);
  const stack = ['n0'];
  while (stack.length) for (const y of adj.get(stack.pop()!)!) if (!seen.has(y)) (seen.add(y), stack.push(y));
  return seen.size === n;
};
const build = (topo: Topology, n: number, seed = 1) => buildEdges(topo, names(n), SeededRandom.root(seed).split('topology'));

test('line, ring, grid, star and edges topologies', (t) => {
  t.deepEqual(build({ kind: 'line' }, 4), [['n0', 'n1'], ['n1', 'n2'], ['n2', 'n3']]);
  t.deepEqual(build({ kind: 'star', hubs: 1 }, 4), [['n0', 'n1'], ['n0', 'n2'], ['n0', 'n3']]);
  // Two hubs linked to each other; leaves alternate between them.
  t.deepEqual(build({ kind: 'star', hubs: 2 }, 6), [['n0', 'n1'], ['n0', 'n2'], ['n0', 'n4'], ['n1', 'n3'], ['n1', 'n5']]);
  const ring = build({ kind: 'ring' }, 20);
  t.is(ring.length, 20);
  t.true(degrees(ring, 20).every((d) => d === 2));
  t.true(connected(ring, 20));
  t.deepEqual(build({ kind: 'ring' }, 2), [['n0', 'n1']]);
  const grid = build({ kind: 'grid', width: 3 }, 9);
  t.is(grid.length, 12);
  t.deepEqual(degrees(grid, 9), [2, 3, 2, 3, 4, 3, 2, 3, 2]);
  t.deepEqual(build({ kind: 'edges', edges: [['n3', 'n1'], ['n0', 'n2']] }, 4), [['n0', 'n2'], ['n1', 'n3']]);
  // Sorted by node index, not by string: n2 before n10.
  const big = build({ kind: 'line' }, 12);
  t.deepEqual(big[2], ['n2', 'n3']);
});

test('random topology: connected, simple, degree about k, deterministic per seed', (t) => {
  const e = build({ kind: 'random', degree: 4 }, 300);
  t.true(connected(e, 300));
  const d = degrees(e, 300);
  t.true(d.every((x) => x === 3 || x === 4), `degrees ${[...new Set(d)]}`);
  t.true(d.filter((x) => x === 4).length >= 290, 'almost all reach k');
  const keys = e.map(([a, b]) => `${a}-${b}`);
  t.is(new Set(keys).size, keys.length, 'no duplicate edges');
  t.true(e.every(([a, b]) => a !== b && Number(a.slice(1)) < Number(b.slice(1))));
  const idx = (x: [string, string]) => Number(x[0].slice(1)) * 1000 + Number(x[1].slice(1));
  t.deepEqual(e, [...e].sort((x, y) => idx(x) - idx(y)), 'sorted');
  t.deepEqual(build({ kind: 'random', degree: 4 }, 300), e);
  t.notDeepEqual(build({ kind: 'random', degree: 4 }, 300, 2), e);
  const odd = build({ kind: 'random', degree: 3 }, 11);
  t.true(connected(odd, 11));
  t.true(degrees(odd, 11).every((x) => x === 2 || x === 3));
});
