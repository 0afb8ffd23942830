// A swarm scenario as a plain document (the scenario file's own fields, durations in ms and the
// topology as explicit edges), so the seed's draws, the shrinker's edits and the file written
// for replay are one and the same thing: what is written is exactly what failed.
import { stringify } from 'yaml';
import { buildEdges } from './topology.ts';
import { SeededRandom } from './sim-random.ts';
import { parseScenario } from './scenario-load.ts';
import type { Fault, Scenario } from './scenario-schema.ts';

export interface DocFault { at: number; kind: string; node?: string; a?: string; b?: string; groups?: [string[], string[]]; offset?: number }
export interface DocStream { at: number; from: string; to: string; bytes: number; port?: number }
interface DocSmsMessage { from: string; to: string; [k: string]: unknown }

export interface SwarmDoc {
  name: string;
  seed: number;
  duration: number;
  nodes: number;
  topology: { kind: 'edges'; edges: [string, string][] };
  link: { latency: number; jitter: number; loss: number; duplicate: number; reorder: number; bandwidth?: number | undefined; queueBytes?: number };
  linkConfig?: Record<string, unknown> | undefined;
  faults: DocFault[];
  streams: DocStream[];
  sms?: { messages: DocSmsMessage[]; [k: string]: unknown } | undefined;
  stubs: string[];
  expect: { allLinksUp?: boolean; streamsIntact?: boolean; noLoops?: boolean };
}

const faultToDoc = (f: Fault): DocFault => ({ ...f }) as DocFault;

/** The base scenario as a document with `seed`'s topology drawn out into edges. `rawSms` is the
 *  file's own sms section (its parsed form is not a file form). */
export const baseDoc = (s: Scenario, seed: number, rawSms: SwarmDoc['sms']): SwarmDoc => {
  const names = Array.from({ length: s.nodes }, (_, i) => `n${i}`);
  const edges = buildEdges(s.topology, names, SeededRandom.root(seed).split('topology'));
  const doc: SwarmDoc = {
    name: s.name, seed, duration: s.duration, nodes: s.nodes, topology: { kind: 'edges', edges },
    link: { latency: s.link.latencyMs, jitter: s.link.jitterMs, loss: s.link.loss, duplicate: s.link.duplicate, reorder: s.link.reorder, queueBytes: s.link.queueBytes },
    faults: s.faults.map(faultToDoc),
    streams: s.streams.map((x) => ({ ...x })),
    stubs: [...(s.stubs ?? [])],
    expect: { ...(s.expect ?? {}) },
  };
  if (s.link.bandwidthBps !== undefined) doc.link.bandwidth = s.link.bandwidthBps;
  if (s.linkConfig) doc.linkConfig = { ...s.linkConfig };
  if (rawSms) doc.sms = structuredClone(rawSms);
  return doc;
};

/** Validated exactly as a scenario file is. */
export const docScenario = (doc: SwarmDoc): Scenario => parseScenario(JSON.stringify(doc), `${doc.name}.json`);

export const docYaml = (doc: SwarmDoc, header: string[]): string =>
  header.map((l) => `# ${l}\n`).join('') + stringify(doc, { lineWidth: 0, flowCollectionPadding: false });

/** Nodes named in streams or SMS: removing one would remove what fails. */
export const endpoints = (doc: SwarmDoc): Set<string> =>
  new Set([...doc.streams.flatMap((x) => [x.from, x.to]), ...(doc.sms?.messages ?? []).flatMap((m) => [m.from, m.to])]);

/** The document without `drop` (node names), the rest renamed n0..n(k-1) in order. Faults that
 *  named a dropped node go; partition groups lose it (and go when a side is empty). */
export const withoutNodes = (doc: SwarmDoc, drop: ReadonlySet<string>): SwarmDoc => {
  const keep = Array.from({ length: doc.nodes }, (_, i) => `n${i}`).filter((n) => !drop.has(n));
  const rename = new Map(keep.map((n, i) => [n, `n${i}`]));
  const r = (n: string): string => rename.get(n)!;
  const has = (n: string | undefined): boolean => n === undefined || rename.has(n);
  const faults: DocFault[] = [];
  for (const f of doc.faults) {
    if (f.groups) {
      const g: [string[], string[]] = [f.groups[0].filter(has).map(r), f.groups[1].filter(has).map(r)];
      if (g[0].length > 0 && g[1].length > 0) faults.push({ ...f, groups: g });
      continue;
    }
    if (!has(f.node) || !has(f.a) || !has(f.b)) continue;
    faults.push({ ...f, ...(f.node ? { node: r(f.node) } : {}), ...(f.a ? { a: r(f.a), b: r(f.b!) } : {}) });
  }
  return {
    ...doc,
    nodes: keep.length,
    topology: { kind: 'edges', edges: doc.topology.edges.filter(([a, b]) => has(a) && has(b)).map(([a, b]) => [r(a), r(b)]) },
    faults,
    streams: doc.streams.filter((x) => has(x.from) && has(x.to)).map((x) => ({ ...x, from: r(x.from), to: r(x.to) })),
    stubs: doc.stubs.filter(has).map(r),
    ...(doc.sms ? { sms: { ...doc.sms, messages: doc.sms.messages.filter((m) => has(m.from) && has(m.to)).map((m) => ({ ...m, from: r(m.from), to: r(m.to) })) } } : {}),
  };
};
