// One swarm run: a document in, its outcome out. A failure is the first broken safety invariant
// (the run stops there) or, when the run ends, an unmet liveness expectation; `key` names it
// so the shrinker can tell "fails the same way" from "fails differently".
import { runScenario } from './sim-run.ts';
import { unmetExpectations } from './expectations.ts';
import { firstDivergence, type Divergence } from './determinism.ts';
import { docScenario, type SwarmDoc } from './swarm-doc.ts';
import type { Violation } from './invariants.ts';
import type { PlantableBug } from '../src/route/planted-bugs.ts';

export interface SeedOutcome {
  seed: number;
  ok: boolean;
  /** 'invariant:<name>' or 'liveness:<expectation>'; undefined when ok. */
  key: string | undefined;
  violation: Violation | undefined;
  unmet: string[];
  traceHash: string;
  events: number;
  wallMs: number;
  /** With checkDeterminism: null when both runs were identical. */
  divergence?: Divergence | null | undefined;
  error?: string | undefined;
}

export interface SeedOptions { plant?: readonly PlantableBug[] | undefined; checkDeterminism?: boolean | undefined }

export const runDoc = async (doc: SwarmDoc, o: SeedOptions = {}): Promise<SeedOutcome> => {
  const scenario = docScenario(doc);
  const first = await runScenario(scenario, { invariants: true, plant: o.plant, keepLines: o.checkDeterminism === true });
  const unmet = first.violation ? [] : unmetExpectations(scenario, first.summary);
  // A liveness key says how it failed, so a shrink that merely disconnects a stream's ends
  // ("unreachable") does not pass for a stream that stalled on a live route ("stalled").
  const badStream = first.summary.streams.find((x) => !x.intact);
  const how = unmet[0]?.startsWith('streamsIntact') && badStream ? `:${badStream.error ?? (badStream.delivered < badStream.bytes ? 'stalled' : 'corrupt')}` : '';
  const key = first.violation ? `invariant:${first.violation.invariant}` : unmet.length > 0 ? `liveness:${unmet[0]!.split(':')[0]}${how}` : undefined;
  const out: SeedOutcome = {
    seed: doc.seed, ok: key === undefined, key, violation: first.violation, unmet,
    traceHash: first.summary.traceHash, events: first.summary.events, wallMs: Math.round(first.summary.wallMs),
  };
  if (o.checkDeterminism) {
    const again = await runScenario(scenario, { invariants: true, plant: o.plant, keepLines: true });
    out.divergence = firstDivergence(first.lines!, again.lines!);
  }
  return out;
};
