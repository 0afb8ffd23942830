import test from 'ava';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cutLines, startTmux, tmuxOrSkip } from './helpers/tui-tmux.ts';

const skip = tmuxOrSkip();
const DEMO = 'src/cli/local-demo-main.ts';

(skip ? test.skip : test)(`npm start: the master TUI shows nodes appearing in the fleet table, with detail and topology${skip ? ` (skipped: ${skip})` : ''}`, async (t) => {
  const port = 18000 + (process.pid % 300) * 16;
  const tm = startTmux('master', `SKYWIRE_DEMO_PORT=${port} node --import tsx ${DEMO}`);
  t.teardown(() => tm.kill());
  await tm.until(/fleet \(\d+\)/, 20_000);
  const s = await tm.until(/node9\s+\w+\s+online/, 25_000);
  t.regex(s, /node1\s+\w+\s+online/);
  t.regex(s, /links \(\d+\)/);
  const full = await tm.until(/11 nodes, 11 online/, 20_000);
  t.deepEqual(cutLines(full, 80), [], full);
  // The captures in docs/ are refreshed on request, so a test run never edits tracked files.
  if (process.env.UPDATE_CAPTURES === '1') writeFileSync('docs/tui-master.txt', tm.screen());
  tm.keys('o'); tm.keys('o');
  t.regex(await tm.until(/show:offline/), /fleet \(0\)/);
  tm.keys('o');
  tm.keys('t');
  // The relay's neighbours are more than a line at 80 columns: wrapped at a space, not cut.
  const topo = await tm.until(/topology: \d+ nodes/);
  t.regex(topo, /master\s+ -- /);
  t.deepEqual(cutLines(topo, 80), [], topo);
  // l with the fleet table focused shows the log (the list's vi keys used to swallow it).
  tm.keys('l');
  const logs = await tm.until(/[─┌] log ─/, 10_000);
  t.deepEqual(cutLines(logs, 80), [], logs);
  tm.resize(120, 40);
  const wide = await tm.until(/─{110}/, 10_000);
  t.deepEqual(cutLines(wide, 120), [], wide);
  tm.resize(80, 24);
  await tm.until(/^(?!.*─{81})/s, 10_000);
  tm.keys('l');
  await tm.until(/node detail/, 10_000);
  // The filter: typed, then cleared with C-u before Enter.
  tm.keys('/'); await tm.until(/filter \(name or address/, 5_000);
  tm.keys('node9', 'Enter');
  t.regex(await tm.until(/filter:node9/, 10_000), /fleet \(1\)/);
  tm.keys('/'); await tm.until(/filter \(name or address/, 5_000);
  tm.keys('C-u', 'Enter');
  t.regex(await tm.until(/fleet \(1[01]\)/, 10_000), /nodes, \d+ online {2}sort:name show:all {2}\? help\n/);
  // r on the first row (node1): the demo starts it again, and it comes back: its relay never
  // saw the link go down, so the restarted node asks it for the credentials it lost (a
  // membership sync request) and registers again.
  tm.keys('g');
  tm.keys('r'); await tm.until(/restart \w+\? type yes/, 5_000);
  tm.keys('yes', 'Enter');
  await tm.until(/node1: restarting, waiting for it to come back/, 20_000);
  const back = await tm.until(/node1: (back after the restart \(\d+s\)|not back 30s after the restart)/, 50_000);
  t.regex(back, /node1: back after the restart/);
  t.regex(back, /node1\s+\w+\s+online/);
  t.notRegex(back, /restarting, waiting/);
  t.deepEqual(cutLines(back, 80), [], back);
  tm.keys('q');
});

test('npm start without a TTY prints status lines and exits 0 on SIGINT', async (t) => {
  const port = 19000 + (process.pid % 300) * 16;
  const p = spawn(process.execPath, ['--import', 'tsx', DEMO], { env: { ...process.env, SKYWIRE_DEMO_PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  p.stderr.on('data', (c: Buffer) => { out += c.toString(); });
  const exited = new Promise<number | null>((r) => p.on('exit', (c) => r(c)));
  const end = Date.now() + 25_000;
  while (!/fleet 1[01] nodes, 1[01] online/.test(out) && Date.now() < end) await new Promise((r) => setTimeout(r, 250));
  t.regex(out, /fleet 1[01] nodes, 1[01] online/);
  t.regex(out, /node \w+/);
  p.kill('SIGINT');
  t.is(await exited, 0, out.slice(-500));
});
