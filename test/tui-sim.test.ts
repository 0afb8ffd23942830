import test from 'ava';
import { writeFileSync } from 'node:fs';
import { BIN, sky, tmpHome } from './helpers/cli.ts';
import { cutLines, startTmux, tmuxOrSkip } from './helpers/tui-tmux.ts';
import { loadScenario } from '../simulator/scenario-load.ts';
import { runScenario } from '../simulator/sim-run.ts';
import { SimModel } from '../tui/sim/sim-model.ts';

const skip = tmuxOrSkip();

test('watching changes nothing: the trace hash is the same with and without a watcher', async (t) => {
  const s = loadScenario('scenarios/ring-20-transfer.yaml');
  const plain = await runScenario(s);
  const model = new SimModel();
  const watched = await runScenario(s, { onEvent: (e) => model.apply(e) });
  t.is(watched.summary.traceHash, plain.summary.traceHash);
  t.true(model.changes.some((c) => c.to === 'established'), 'the watcher saw the route come up');
});

(skip ? test.skip : test)(`sim run --watch shows route transitions and ends with the unwatched trace hash${skip ? ` (skipped: ${skip})` : ''}`, async (t) => {
  const want = JSON.parse(sky('sim', 'run', 'scenarios/ring-20-transfer.yaml', '--json').stdout) as { traceHash: string };
  const tm = startTmux('simrun', `node ${BIN} sim run scenarios/ring-20-transfer.yaml --watch`);
  t.teardown(() => tm.kill());
  tm.keys('+'); tm.keys('+'); tm.keys('+');
  const s = await tm.until(/n0>n5\s+setting-up -> established/, 20_000);
  t.regex(s, /route transitions/);
  const end = await tm.until(/END/, 20_000);
  t.true(end.includes(want.traceHash.slice(0, 16)), `screen shows hash ${want.traceHash.slice(0, 16)}`);
  // The current event is words, not JSON cut at the border; nothing runs into an edge.
  t.regex(end, /@ +120\.000s sim\.end/);
  t.notRegex(end, /\{"/);
  t.deepEqual(cutLines(end, 80), [], end);
  // The captures in docs/ are refreshed on request, so a test run never edits tracked files.
  if (process.env.UPDATE_CAPTURES === '1') writeFileSync('docs/tui-sim.txt', end);
});

(skip ? test.skip : test)(`sim replay --watch steps one event at a time and jumps to a fault${skip ? ` (skipped: ${skip})` : ''}`, async (t) => {
  const trace = `${tmpHome('replay')}/q.jsonl`;
  t.is(sky('sim', 'run', 'scenarios/quickstart.yaml', '--trace', trace).code, 0);
  const tm = startTmux('replay', `node ${BIN} sim replay ${trace} --watch --paused`);
  t.teardown(() => tm.kill());
  await tm.until(/PAUSED\s+ev 0\//);
  tm.keys('n');
  await tm.until(/ev 1\/\d+/);
  tm.keys('n');
  const s = await tm.until(/ev 2\/\d+/);
  t.regex(s, /@\s+0\.000s/);
  tm.keys('f');
  const f = await tm.until(/! +20\.000s cut n1-n2/);
  t.regex(f, /t=20\.000s/);
  t.regex(f, /@ +20\.000s fault detail=n1-n2 fault=cut/);
  t.deepEqual(cutLines(f, 80), [], f);
  // The next event, a drop, names its ends (n1, n2) as key=value words; it fits at 80 and at 120x40.
  tm.keys('n');
  const link = await tm.until(/@ +20\.032s net\.drop from=n1 reason=cut to=n2/);
  t.notRegex(link, /\{"/);
  t.deepEqual(cutLines(link, 80), [], link);
  tm.resize(120, 40);
  const wide = await tm.until(/─{110}/);
  t.deepEqual(cutLines(wide, 120), [], wide);
});

// Serial: the in-process runs of the first test would block this file's screen polling.
(skip ? test.skip : test.serial)(`sim run on a terminal shows progress (simulated time, events/s, ETA, nodes and links up), then the summary${skip ? ` (skipped: ${skip})` : ''}`, async (t) => {
  const tm = startTmux('simprog', `node ${BIN} sim run scenarios/ring-20-transfer.yaml; sleep 60`);
  t.teardown(() => tm.kill());
  const p = await tm.until(/sim ring-20-transfer t=\d+\/120s [\d,]+ ev\/s [\d.]+x ETA \d+s nodes \d+\/20 links \d+\/20/, 60_000);
  t.pass(p.split('\n').find((l) => l.includes('ev/s')));
  const end = await tm.until(/traceHash/, 60_000);
  t.notRegex(end, /ev\/s/, 'the progress line is cleared before the summary');
  t.regex(end, /faults {5}1; 1 link\(s\) still down at the end/);
});
