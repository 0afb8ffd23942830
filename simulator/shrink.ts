// Shrinks a failing swarm document to a smaller one that fails the same way (same outcome key):
// fewer nodes (chunks of them first, then one at a time, as delta debugging does), fewer faults,
// plainer links, fewer and shorter streams, a shorter run. Every step keeps a candidate only if
// it still fails with the same key, so the result is a real failing scenario, not a guess.
import { endpoints, withoutNodes, type SwarmDoc } from './swarm-doc.ts';
import type { SeedOutcome } from './swarm-seed.ts';

export interface ShrinkResult { doc: SwarmDoc; outcome: SeedOutcome; runs: number; steps: string[] }
export interface ShrinkLimits { maxRuns: number; deadline: number; now: () => number }

export const shrink = async (start: SwarmDoc, failed: SeedOutcome, run: (d: SwarmDoc) => Promise<SeedOutcome>, limits: ShrinkLimits): Promise<ShrinkResult> => {
  let doc = start;
  let outcome = failed;
  let runs = 0;
  const steps: string[] = [];
  const out = (): boolean => runs >= limits.maxRuns || limits.now() > limits.deadline;
  const attempt = async (next: SwarmDoc, what: string): Promise<boolean> => {
    const candidate = oneNetwork(next);
    if (out() || !candidate) return false;
    runs++;
    let o: SeedOutcome;
    try {
      o = await run(candidate);
    } catch {
      return false; // not a valid scenario any more (a stream to a node that is gone, say)
    }
    if (o.key !== failed.key) return false;
    doc = candidate;
    outcome = o;
    steps.push(what);
    return true;
  };

  // A run that broke an invariant stopped there: nothing after it matters.
  const cutAfter = (): void => {
    const v = outcome.violation;
    if (!v) return;
    const d = Math.max(1_000, Math.ceil((v.t + 1) / 1_000) * 1_000);
    if (d < doc.duration) doc = { ...doc, duration: d, faults: doc.faults.filter((f) => f.at <= d), streams: doc.streams.filter((s) => s.at <= d) };
  };
  cutAfter();

  let progress = true;
  while (progress && !out()) {
    progress = false;
    // Nodes: halves, quarters, ... then single nodes; never a stream's or an SMS's endpoint.
    for (let chunk = Math.max(1, Math.floor(doc.nodes / 2)); chunk >= 1 && !out(); chunk = Math.floor(chunk / 2)) {
      let i = doc.nodes - 1;
      while (i >= 0 && !out()) {
        const fixed = endpoints(doc);
        const drop = new Set<string>();
        for (let k = i; k >= 0 && drop.size < chunk; k--, i--) if (!fixed.has(`n${k}`)) drop.add(`n${k}`);
        if (drop.size === 0 || drop.size >= doc.nodes - 1) continue;
        if (await attempt(withoutNodes(doc, drop), `-${drop.size} node(s)`)) {
          progress = true;
          cutAfter();
          i = Math.min(i, doc.nodes - 1);
        }
      }
    }
    // Streams ending nearer: another destination may fail the same way over a shorter path,
    // and frees the nodes of the longer one for the next pass.
    for (let k = 0; k < doc.streams.length && !out(); k++) {
      const s = doc.streams[k]!;
      for (let c = 0; c < doc.nodes && !out(); c++) {
        const to = `n${c}`;
        if (to === s.from || to === s.to) continue;
        if (await attempt({ ...doc, streams: doc.streams.map((x, j) => (j === k ? { ...x, to } : x)) }, `stream ${k} to ${to}`)) {
          progress = true;
          break;
        }
      }
    }
    // Faults, one at a time (latest first: later faults are likelier to be beside the point),
    // each with what undoes it: a cut without its restore would be a different, unhealed fault.
    for (let k = doc.faults.length - 1; k >= 0 && !out(); k--) {
      if (k >= doc.faults.length) continue;
      const f = doc.faults[k]!;
      if (f.kind === 'restore' || f.kind === 'restart' || f.kind === 'heal') continue;
      const undo = doc.faults.findIndex((g, j) => j > k && undoes(f, g));
      if (await attempt({ ...doc, faults: doc.faults.filter((_, j) => j !== k && j !== undo) }, `-fault ${f.kind}@${f.at}`)) progress = true;
    }
    // Links: each kind of trouble off, then no jitter.
    for (const [field, plain] of [['loss', 0], ['duplicate', 0], ['reorder', 0], ['jitter', 0]] as const) {
      if (doc.link[field] !== plain && (await attempt({ ...doc, link: { ...doc.link, [field]: plain } }, `link ${field}=${plain}`))) progress = true;
    }
    // Streams: fewer, then smaller.
    for (let k = doc.streams.length - 1; k >= 0 && !out(); k--) {
      if (doc.streams.length > 1 && (await attempt({ ...doc, streams: doc.streams.filter((_, j) => j !== k) }, `-stream ${k}`))) progress = true;
    }
    for (let k = 0; k < doc.streams.length && !out(); k++) {
      const s = doc.streams[k]!;
      if (s.bytes > 1_000 && (await attempt({ ...doc, streams: doc.streams.map((x, j) => (j === k ? { ...x, bytes: Math.floor(x.bytes / 2) } : x)) }, `stream ${k} bytes/2`))) progress = true;
    }
    // A liveness failure keeps its length: shorter, any stream would "fail" for want of time.
  }
  return { doc, outcome, runs, steps };
};

/** A smaller scenario must stay one network: the part holding the streams' and SMS' ends, with
 *  whatever a removal cut off dropped too; null when those ends are no longer in one piece. */
const oneNetwork = (doc: SwarmDoc): SwarmDoc | null => {
  const adj = new Map<string, string[]>();
  for (const [a, b] of doc.topology.edges) {
    adj.set(a, [...(adj.get(a) ?? []), b]);
    adj.set(b, [...(adj.get(b) ?? []), a]);
  }
  const ends = [...endpoints(doc)];
  const first = ends[0] ?? 'n0';
  const seen = new Set([first]);
  const todo = [first];
  while (todo.length > 0) for (const m of adj.get(todo.pop()!) ?? []) if (!seen.has(m)) (seen.add(m), todo.push(m));
  if (!ends.every((e) => seen.has(e))) return null;
  if (seen.size === doc.nodes) return doc;
  const cut = new Set(Array.from({ length: doc.nodes }, (_, i) => `n${i}`).filter((n) => !seen.has(n)));
  return withoutNodes(doc, cut);
};

/** Is `g` the fault that ends `f` (the restore of a cut, the restart of a crash, the heal of a
 *  partition)? */
const undoes = (f: SwarmDoc['faults'][number], g: SwarmDoc['faults'][number]): boolean =>
  (f.kind === 'cut' && g.kind === 'restore' && ((g.a === f.a && g.b === f.b) || (g.a === f.b && g.b === f.a)))
  || (f.kind === 'crash' && g.kind === 'restart' && g.node === f.node)
  || (f.kind === 'partition' && g.kind === 'heal');
