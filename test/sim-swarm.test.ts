// `skywire sim swarm`, run from the installed CLI: it finds a bug planted behind a flag (a relay
// that forwards a data packet twice on one route), shrinks the failing seeds to a few nodes, and
// the scenario it writes replays byte for byte; without the bug the same seeds pass.
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sky, skyDaemon, tmpHome } from './helpers/cli.ts';

const SCENARIO = 'scenarios/swarm-mesh-12.yaml';

interface SwarmJson {
  seeds: number; failed: number; failedSeeds: number[]; seedsPerMinute: number;
  failures: { seed: number; key: string; why: string; file: string; shrunk?: { file: string; nodes: number; faults: number; traceHash: string; command: string } }[];
}

const swarm = async (...args: string[]): Promise<{ code: number | null; out: SwarmJson; text: string }> => {
  const d = skyDaemon('sim', 'swarm', SCENARIO, '--json', ...args);
  const code = await d.exited;
  const text = d.output();
  const line = text.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error(`no JSON from sim swarm (exit ${code}): ${text}`);
  return { code, out: JSON.parse(line) as SwarmJson, text };
};

test('the swarm finds a planted double-forwarding relay and shrinks it to at most five nodes that replay byte for byte', async (t) => {
  const dir = tmpHome('swarm');
  const { code, out, text } = await swarm('--seeds', '2', '--from', '1', '--jobs', '2', '--plant', 'relay-double-forward', '--out', dir);
  t.is(code, 1, text);
  t.is(out.failed, 2);
  t.deepEqual(out.failedSeeds, [1, 2]);
  for (const f of out.failures) {
    t.is(f.key, 'invariant:relay-conserves', f.why);
    t.true(existsSync(f.file), 'the whole failing seed is written too');
    const s = f.shrunk!;
    t.true(s.nodes <= 5, `seed ${f.seed} shrunk to ${s.nodes} nodes`);
    t.is(s.faults, 0, 'the bug needs no fault, and the shrinker removed them all');
    t.regex(readFileSync(s.file, 'utf8'), /^# shrunk from swarm seed \d+/);
    // The written command replays it: the same invariant, the same trace, twice over.
    const replay = sky('sim', 'run', s.file, '--invariants', '--plant', 'relay-double-forward', '--check-determinism', '--json');
    t.is(replay.code, 1, replay.stderr);
    t.regex(replay.stderr, /^skywire: invariant relay-conserves broken at t=\d+ ms: n\d+ sent 2 data packets/m);
    const r = JSON.parse(replay.stdout) as { traceHash: string; violation: { invariant: string }; determinism: { identical: boolean } };
    t.is(r.traceHash, s.traceHash);
    t.is(r.violation.invariant, 'relay-conserves');
    t.true(r.determinism.identical);
    // Without the planted bug the shrunk scenario keeps every invariant.
    const clean = sky('sim', 'run', s.file, '--invariants', '--json');
    t.is(clean.code, 0, clean.stderr);
  }
});

test('without the planted bug the same seeds keep every invariant and expectation, and run deterministically', async (t) => {
  const dir = tmpHome('swarm-clean');
  const { code, out, text } = await swarm('--seeds', '2', '--from', '1', '--jobs', '2', '--check-determinism', '--out', dir);
  t.is(code, 0, text);
  t.is(out.failed, 0);
  t.false(existsSync(join(dir, 'swarm-mesh-12-seed1.yaml')), 'nothing is written for passing seeds');
});

test('swarm and run refuse bad arguments in one line', (t) => {
  const zero = sky('sim', 'swarm', SCENARIO, '--seeds', '0');
  t.is(zero.code, 2);
  t.regex(zero.stderr, /^skywire: error \[SCENARIO_INVALID\]: --seeds must be an integer of at least 1, got "0"\n$/);
  const bug = sky('sim', 'run', 'scenarios/quickstart.yaml', '--plant', 'nope');
  t.is(bug.code, 2);
  t.regex(bug.stderr, /^skywire: error \[SCENARIO_INVALID\]: --plant nope: no such planted bug; known: relay-double-forward\n$/);
  const radio = sky('sim', 'swarm', 'scenarios/sms-radio-3hop.yaml', '--seeds', '1');
  t.is(radio.code, 2);
  t.regex(radio.stderr, /does not draw faults for radio channels/);
  const worker = sky('sim', 'swarm-worker');
  t.is(worker.code, 2);
  t.regex(worker.stderr, /started by "skywire sim swarm"/);
});
