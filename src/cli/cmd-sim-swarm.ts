// `skywire sim swarm FILE --seeds N`: swarm testing of a scenario (simulator/swarm-draw.ts) in
// worker processes; every failing seed is written out whole and shrunk to a smaller scenario
// that fails the same way, with the command that replays it byte for byte.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { parse as parseYaml } from 'yaml';
import { SkywireError } from '../errors.ts';
import { realClock } from '../env/real-clock.ts';
import { PLANTABLE_BUGS, type PlantableBug } from '../route/planted-bugs.ts';
import type { SeedOutcome } from '../../simulator/swarm-seed.ts';

export interface SwarmOpts { seeds?: string; from?: string; jobs?: string; out?: string; plant?: string[]; shrink?: boolean; checkDeterminism?: boolean; json?: boolean; maxShrinkRuns?: string }

const count = (v: string | undefined, what: string, dflt: number, min = 1): number => {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new SkywireError('SCENARIO_INVALID', `${what} must be an integer of at least ${min}, got "${v}"`);
  return n;
};

export const plants = (names: string[] | undefined): PlantableBug[] => (names ?? []).map((n) => {
  if (!(PLANTABLE_BUGS as readonly string[]).includes(n)) throw new SkywireError('SCENARIO_INVALID', `--plant ${n}: no such planted bug; known: ${PLANTABLE_BUGS.join(', ')}`);
  return n as PlantableBug;
});

export const runSwarm = async (file: string, o: SwarmOpts): Promise<number> => {
  const { loadScenario } = await import('../../simulator/scenario-load.ts');
  const { baseDoc, docYaml } = await import('../../simulator/swarm-doc.ts');
  const { drawSwarm } = await import('../../simulator/swarm-draw.ts');
  const { SwarmPool } = await import('../../simulator/swarm-pool.ts');
  const { shrink } = await import('../../simulator/shrink.ts');
  const base = loadScenario(file);
  if (base.radio) throw new SkywireError('SCENARIO_INVALID', `${file}: sim swarm does not draw faults for radio channels yet; use a scenario without radio`);
  const raw = parseYaml(readFileSync(file, 'utf8')) as { sms?: never };
  const seeds = count(o.seeds, '--seeds', 100);
  const from = count(o.from, '--from', 1, 0);
  const jobs = count(o.jobs, '--jobs', Math.max(1, availableParallelism()));
  const plant = plants(o.plant);
  const outDir = resolve(o.out ?? `swarm-${base.name}`);
  const clock = realClock();
  const t0 = clock.now();
  const pool = new SwarmPool(Math.min(jobs, seeds));
  const tty = process.stderr.isTTY === true && !o.json;
  let done = 0;
  let failed = 0;
  const docs = new Map<number, ReturnType<typeof drawSwarm>>();
  try {
    const outcomes = await Promise.all(Array.from({ length: seeds }, async (_, i) => {
      const seed = from + i;
      const drawn = drawSwarm(baseDoc(base, seed, raw.sms), seed);
      docs.set(seed, drawn);
      const r: SeedOutcome = await pool.run(drawn.doc, { plant, checkDeterminism: o.checkDeterminism }).catch((e: Error): SeedOutcome => ({
        seed, ok: false, key: 'error', violation: undefined, unmet: [], traceHash: '', events: 0, wallMs: 0, error: e.message,
      }));
      if (r.divergence) Object.assign(r, { ok: false, key: 'nondeterministic' });
      done++;
      if (!r.ok) failed++;
      if (tty) process.stderr.write(`\r\x1b[Kswarm ${base.name}: ${done}/${seeds} seeds, ${failed} failed, ${((done * 60_000) / Math.max(1, clock.now() - t0)).toFixed(1)} seeds/min`);
      return r;
    }));
    if (tty) process.stderr.write('\r\x1b[K');
    const wallMs = clock.now() - t0;
    const failures = outcomes.filter((r) => !r.ok);
    const shrunk: Record<string, unknown>[] = [];
    if (failures.length > 0) mkdirSync(outDir, { recursive: true });
    const plantArgs = plant.map((p) => ` --plant ${p}`).join('');
    for (const f of failures) {
      const drawn = docs.get(f.seed)!;
      const whole = join(outDir, `${base.name}-seed${f.seed}.yaml`);
      const why = f.violation ? `${f.violation.invariant} at t=${f.violation.t} ms: ${f.violation.detail}` : f.error ?? (f.divergence ? `runs diverge at trace line ${f.divergence.index + 1}` : f.unmet.join('; '));
      writeFileSync(whole, docYaml(drawn.doc, [`swarm seed ${f.seed} of ${file}: fails ${f.key}`, why, `knobs: ${JSON.stringify(drawn.knobs)}`, `replay: skywire sim run ${whole} --invariants${plantArgs}`]));
      const entry: Record<string, unknown> = { seed: f.seed, key: f.key, why, file: whole, traceHash: f.traceHash, divergence: f.divergence ?? undefined };
      if (o.shrink !== false && f.key !== 'error' && f.key !== 'nondeterministic') {
        const limits = { maxRuns: count(o.maxShrinkRuns, '--max-shrink-runs', 300), deadline: clock.now() + 10 * 60_000, now: () => clock.now() };
        const s = await shrink(drawn.doc, f, (d) => pool.run(d, { plant }), limits);
        const small = join(outDir, `${base.name}-seed${f.seed}-shrunk.yaml`);
        const sw = s.outcome.violation ? `${s.outcome.violation.invariant} at t=${s.outcome.violation.t} ms: ${s.outcome.violation.detail}` : s.outcome.unmet.join('; ');
        const cmd = `skywire sim run ${small} --invariants${plantArgs}`;
        writeFileSync(small, docYaml(s.doc, [`shrunk from swarm seed ${f.seed} of ${file} in ${s.runs} runs: ${s.doc.nodes} nodes, ${s.doc.faults.length} faults`, `fails ${s.outcome.key}: ${sw}`, `replay (trace hash ${s.outcome.traceHash}): ${cmd}`]));
        Object.assign(entry, { shrunk: { file: small, nodes: s.doc.nodes, faults: s.doc.faults.length, streams: s.doc.streams.length, durationMs: s.doc.duration, runs: s.runs, traceHash: s.outcome.traceHash, why: sw, command: cmd } });
      }
      shrunk.push(entry);
    }
    const summary = { scenario: base.name, seeds, from, jobs: Math.min(jobs, seeds), plant, failed: failures.length, failedSeeds: failures.map((f) => f.seed), wallMs, seedsPerMinute: Math.round((seeds * 60_000 / Math.max(1, wallMs)) * 10) / 10, events: outcomes.reduce((a, r) => a + r.events, 0), failures: shrunk };
    if (o.json) process.stdout.write(JSON.stringify(summary) + '\n');
    else {
      process.stdout.write(`swarm ${base.name}: ${seeds} seeds (${from}..${from + seeds - 1}), ${failures.length} failed, ${summary.seedsPerMinute} seeds/min on ${summary.jobs} worker(s)\n`);
      for (const e of shrunk) {
        process.stdout.write(`  seed ${String(e.seed)}: ${String(e.key)}: ${String(e.why)}\n    whole: ${String(e.file)}\n`);
        const s = e.shrunk as Record<string, unknown> | undefined;
        if (s) process.stdout.write(`    shrunk to ${String(s.nodes)} nodes, ${String(s.faults)} faults, ${String(s.streams)} streams, ${String(s.durationMs)} ms in ${String(s.runs)} runs: ${String(s.file)}\n    replay: ${String(s.command)}\n`);
      }
    }
    return failures.length > 0 ? 1 : 0;
  } finally {
    pool.close();
  }
};

/** `sim swarm-worker`: runs documents sent over IPC until the parent goes. */
export const swarmWorker = async (): Promise<void> => {
  const { runDoc } = await import('../../simulator/swarm-seed.ts');
  if (!process.send) throw new SkywireError('SCENARIO_INVALID', 'sim swarm-worker is started by "skywire sim swarm", not by hand');
  process.on('disconnect', () => process.exit(0));
  process.on('message', (m: { id: number; doc: Parameters<typeof runDoc>[0]; opts: Parameters<typeof runDoc>[1] }) => {
    runDoc(m.doc, m.opts).then(
      (outcome) => process.send!({ id: m.id, outcome }),
      (e: Error) => process.send!({ id: m.id, error: e.message }),
    );
  });
  await new Promise<never>(() => {});
};
