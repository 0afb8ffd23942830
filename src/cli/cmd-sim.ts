// `skywire sim run`: run a scenario in virtual time, print the summary and the trace hash.
import type { Command } from 'commander';
import { progressLine } from './sim-progress.ts';
import { SkywireError } from '../errors.ts';

interface SimRunOpts { seed?: string; trace?: string; checkDeterminism?: boolean; json?: boolean; watch?: boolean; paused?: boolean; invariants?: boolean; plant?: string[] }

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

const parseSeed = (s: string | undefined): number | undefined => {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < 0) throw new SkywireError('SCENARIO_INVALID', `--seed must be a non-negative integer, got "${s}"`);
  return n;
};

export const addSimCommands = (program: Command): void => {
  const sim = program.command('sim').description('deterministic multi-node simulation in virtual time');
  sim.command('run <scenario>')
    .description('run a scenario file (YAML or JSON) and print the summary and trace hash')
    .option('--seed <n>', 'override the scenario seed')
    .option('--trace <file>', 'write the canonical trace, one JSON event per line')
    .option('--check-determinism', 'run twice and name the first diverging event, if any')
    .option('--json', 'print the summary as one JSON object')
    .option('--watch', 'watch it live: timeline, route transitions, faults, counters (plain lines without a TTY)')
    .option('--paused', 'with --watch: start paused (space plays, n steps)')
    .option('--invariants', 'check the safety invariants after every event; the first broken one ends the run (exit 1)')
    .option('--plant <bug>', 'switch on a deliberate bug (for testing the swarm): relay-double-forward', collect)
    .action(async (file: string, o: SimRunOpts) => {
      // Loaded on demand: a node on a Pi should not parse the simulator at start-up.
      const { loadScenario } = await import('../../simulator/scenario-load.ts');
      const { runScenario } = await import('../../simulator/sim-run.ts');
      const { firstDivergence } = await import('../../simulator/determinism.ts');
      const { formatSummary } = await import('./format-summary.ts');
      const { unmetExpectations } = await import('../../simulator/expectations.ts');
      const scenario = loadScenario(file);
      const seed = parseSeed(o.seed);
      const { rerunWithHeap } = await import('./sim-heap.ts');
      const rerun = await rerunWithHeap(scenario.nodes);
      if (rerun !== undefined) {
        process.exitCode = rerun;
        return;
      }
      if (o.watch && !o.checkDeterminism) {
        // Loaded on demand: blessed only when watching. The run and its hash are unchanged.
        const { watchRun } = await import('../../tui/sim/sim-watch.ts');
        return watchRun(file, { seed, trace: o.trace, paused: o.paused }, (s) => process.stdout.write(o.json ? JSON.stringify(s) + '\n' : formatSummary(s, undefined)));
      }
      const { plants } = await import('./cmd-sim-swarm.ts');
      const plant = plants(o.plant);
      const progress = progressLine(`sim ${scenario.name}`);
      const first = await runScenario(scenario, { seed, traceFile: o.trace, keepLines: o.checkDeterminism, onProgress: progress?.update, invariants: o.invariants, plant });
      progress?.done();
      let determinism: { identical: boolean; divergence?: unknown } | undefined;
      if (o.checkDeterminism) {
        const again = progressLine(`sim ${scenario.name} (second run)`);
        const second = await runScenario(scenario, { seed, keepLines: true, onProgress: again?.update, invariants: o.invariants, plant });
        again?.done();
        const d = firstDivergence(first.lines!, second.lines!);
        determinism = d ? { identical: false, divergence: d } : { identical: true };
      }
      const out = { ...first.summary, ...(determinism ? { determinism } : {}), ...(first.violation ? { violation: first.violation } : {}) };
      process.stdout.write(o.json ? JSON.stringify(out) + '\n' : formatSummary(first.summary, determinism));
      if (determinism && !determinism.identical) process.exitCode = 1;
      if (first.violation) {
        process.stderr.write(`skywire: invariant ${first.violation.invariant} broken at t=${first.violation.t} ms: ${first.violation.detail}\n`);
        process.exitCode = 1;
        return;
      }
      const unmet = unmetExpectations(scenario, first.summary);
      if (unmet.length > 0) {
        process.stderr.write(`skywire: scenario expectations not met: ${unmet.join('; ')}\n`);
        process.exitCode = 1;
      }
    });
  sim.command('swarm <scenario>')
    .description('swarm-test a scenario: N seeds, each with its own faults, link trouble and clock skew, invariants after every event; failing seeds are shrunk')
    .option('--seeds <n>', 'how many seeds (default 100)')
    .option('--from <seed>', 'first seed (default 1)')
    .option('--jobs <j>', 'worker processes (default: one per CPU)')
    .option('--out <dir>', 'where failing and shrunk scenarios go (default ./swarm-NAME)')
    .option('--plant <bug>', 'switch on a deliberate bug: relay-double-forward', collect)
    .option('--no-shrink', 'write failing seeds without shrinking them')
    .option('--max-shrink-runs <n>', 'runs one shrink may take at most (default 300)')
    .option('--check-determinism', 'run every seed twice and name the first diverging trace line')
    .option('--json', 'print the summary as one JSON object')
    .action(async (file: string, o: import('./cmd-sim-swarm.ts').SwarmOpts) => {
      const { runSwarm } = await import('./cmd-sim-swarm.ts');
      process.exitCode = await runSwarm(file, o);
    });
  sim.command('swarm-worker', { hidden: true })
    .action(async () => {
      const { swarmWorker } = await import('./cmd-sim-swarm.ts');
      await swarmWorker();
    });
  sim.command('replay <trace>')
    .description('replay a trace written by "sim run --trace": route transitions, faults, counters and the trace hash')
    .option('--watch', 'on the watch screen: timeline with pause, step and speed control')
    .option('--paused', 'with --watch: start paused (space plays, n steps)')
    .action(async (file: string, o: { watch?: boolean; paused?: boolean }) => {
      const { watchReplay } = await import('../../tui/sim/sim-watch.ts');
      await watchReplay(file, o);
    });
};
