import test from 'ava';
import { writeFileSync } from 'node:fs';
import { BIN, sky, skyDaemon, tmpHome, until } from './helpers/cli.ts';
import { cutLines, startTmux, tmuxOrSkip } from './helpers/tui-tmux.ts';

const skip = tmuxOrSkip();
const idOf = (home: string): string => {
  sky('init', '--home', home);
  return (JSON.parse(sky('id', '--home', home, '--json').stdout) as { address: string }).address;
};

(skip ? test.skip : test)(`node --tui shows a link going up and a route changing state${skip ? ` (skipped: ${skip})` : ''}`, async (t) => {
  const [a, b] = [tmpHome('tui-a'), tmpHome('tui-b')];
  const [A, B] = [idOf(a), idOf(b)];
  const port = 27000 + (process.pid % 500) * 2;
  const tm = startTmux('node', `node ${BIN} node --tui --home ${a} --listen 127.0.0.1:${port} --peer ${B}@127.0.0.1:${port + 1}`);
  t.teardown(() => tm.kill());
  await tm.until(new RegExp(`${B.slice(0, 16)}\\s+udp\\s+handshaking`));
  const nodeB = skyDaemon('node', '--home', b, '--listen', `127.0.0.1:${port + 1}`, '--peer', `${A}@127.0.0.1:${port}`);
  t.teardown(() => void nodeB.proc.kill());
  await tm.until(new RegExp(`${B.slice(0, 16)}\\s+udp\\s+up`));
  await until(() => (sky('route', B, '--home', a).code === 0 ? true : undefined), 10_000, 'route');
  // The routes panel shows the state it was in (the 'was' column) whole at 80 columns.
  const s = await tm.until(new RegExp(`${B.slice(0, 10)}\\s+established\\s+1\\s+0 setting-up \\d+[smh]`));
  t.regex(s, /route \w+ resolving -> setting-up/);
  t.regex(s, /radio: no radio/);
  // The log's long line (listening on ... with ...) wraps at a space instead of running into the border.
  t.regex(s, /listening on udp/);
  t.deepEqual(cutLines(s, 80), [], s);
  tm.keys('?');
  t.regex(await tm.until(/keys \(\? or Esc closes\)/), /Tab\s+move focus/);
  tm.keys('Escape');
  await tm.until(/^(?!.*keys \(\? or Esc)/s);
  // A resize redraws at the new size (wider boxes) and back, without losing the panels.
  tm.resize(120, 40);
  const wide = await tm.until(/─{100}/);
  t.deepEqual(cutLines(wide, 120), [], wide);
  tm.resize(80, 24);
  // Back at 80 columns once nothing is wider and the side panel's corner is drawn again.
  const back = await tm.until(/^(?!.*─{81})(?=.*apps ─+┐)/s);
  t.regex(back, new RegExp(`${B.slice(0, 16)}\\s+udp\\s+up`));
  t.regex(back, /routes/);
  t.deepEqual(cutLines(back, 80), [], back);
  // The captures in docs/ are refreshed on request, so a test run never edits tracked files.
  if (process.env.UPDATE_CAPTURES === '1') writeFileSync('docs/tui-node.txt', tm.screen());
  tm.keys('q');
  await tm.until(/state saved; bye|\$ $|^\s*$/, 10_000).catch(() => undefined);
});
