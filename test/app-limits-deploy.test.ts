// Two deploy-path faults of issue 12, with a real master and a real node: a node started with a
// relative --home commits a deploy (the SDK bundle was written under the package root, so every
// start failed and every deploy rolled back), and an export that fails leaves the app running
// (it was stopped for the copy and never started again).
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { BIN, sky, tmpHome, until } from './helpers/cli.ts';
import { appsOn, build, greet, PORT, writeHello } from './helpers/hello-app.ts';
import { bootText, killAll, port, startMaster, waitNode, writeBoot, type Proc } from './helpers/master-world.ts';
import { tempDir } from './helpers/temp-dirs.ts';

/** A node whose --home and --boot are relative to its working directory. */
const relativeNode = (m: Proc, name: string): Proc => {
  const cwd = tempDir(`sky-rel-${name}-`);
  mkdirSync(join(cwd, 'boot'));
  writeBoot(join(cwd, 'boot'), bootText(m, m, name));
  const p = port();
  const proc = spawn(process.execPath, [BIN, 'node', '--home', 'relative/home', '--boot', 'boot', '--listen', `127.0.0.1:${p}`, '--heartbeat-ms', '500', '--boot-poll-ms', '200'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  proc.stderr.on('data', (c: Buffer) => { out += c.toString(); });
  const exited = new Promise<number | null>((r) => proc.on('exit', (c) => r(c)));
  return { name, home: join(cwd, 'relative', 'home'), address: '', publicKey: '', port: p, daemon: { proc, output: () => out, exited }, boot: join(cwd, 'boot') };
};

/** Like hello, but it keeps a symbolic link in data/, which an archive refuses to carry. */
const writeLinky = (): string => {
  const dir = tmpHome('linky');
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'manifest.json'), JSON.stringify({ name: 'linky', version: '1.0.0', entry: 'main.mjs', ports: [PORT], health: { port: PORT, timeoutMs: 8000 } }));
  writeFileSync(join(dir, 'src', 'main.mjs'), `
import fs from 'node:fs';
import { connectApp } from 'skywire/app';
const sdk = await connectApp();
try { fs.symlinkSync('/etc/hostname', sdk.paths.data + '/link'); } catch {}
await sdk.listen(${PORT}, (s) => { s.write('linky up\\n'); s.pipe(s); });
`);
  return dir;
};

test('a node with a relative --home commits a deploy; a failed export leaves the app running', async (t) => {
  const m = startMaster();
  const n = relativeNode(m, 'rel-node');
  t.teardown(() => {
    killAll([m, n]);
    for (const d of [m.home, dirname(dirname(n.home))]) rmSync(d, { recursive: true, force: true });
  });
  t.is(basename(dirname(n.home)), 'relative');
  // Its own wait: a loaded machine starting the node from sources can take longer than addressOf's 10 s.
  n.address = await until(() => (JSON.parse(readFileSync(join(n.home, 'identity.json'), 'utf8')) as { address: string }).address, 60_000, 'rel-node identity');
  await waitNode(m, 'rel-node', (r) => r.online, 'rel-node registered');

  const helloDir = writeHello('1.0.0');
  t.teardown(() => rmSync(helloDir, { recursive: true, force: true }));
  const v1 = build(helloDir);
  const d = sky('app', 'deploy', v1.file, 'rel-node', '--home', m.home);
  t.is(d.code, 0, d.stdout + d.stderr + n.daemon!.output());
  t.regex(d.stdout, /committed/);
  // greet has a 20 s budget per try; on a loaded machine a try can run out: try again.
  const greetUntil = (re: RegExp, what: string) => until(() => { const g = greet(m, n.address); return re.test(g) ? g : undefined; }, 90_000, what);
  t.regex(await greetUntil(/^hello 1\.0\.0 starts=1\n/, 'hello answers'), /^hello 1\.0\.0 starts=1\n/);
  t.is(sky('app', 'remove', 'rel-node', 'hello', '--home', m.home).code, 0);

  const linkyDir = writeLinky();
  t.teardown(() => rmSync(linkyDir, { recursive: true, force: true }));
  const linky = build(linkyDir);
  t.is(sky('app', 'deploy', linky.file, 'rel-node', '--home', m.home).code, 0);
  await until(() => appsOn(m, 'rel-node').find((a) => a.name === 'linky' && a.state === 'running'), 30_000, 'linky running');
  const out = join(tmpHome('linky-export'), 'linky.skyapp');
  t.teardown(() => rmSync(dirname(out), { recursive: true, force: true }));
  const ex = sky('app', 'export', 'rel-node', 'linky', '--home', m.home, '--out', out);
  t.not(ex.code, 0, 'the export is refused');
  t.regex(ex.stdout + ex.stderr, /BUNDLE_INVALID|symbolic link/);
  // The app was stopped for the copy; it must be started again, healthy, by itself.
  const back = await until(() => appsOn(m, 'rel-node').find((a) => a.name === 'linky' && a.state === 'running'), 30_000, 'linky running again after the failed export');
  t.is(back.state, 'running');
  t.regex(await greetUntil(/^linky up\n/, 'linky answers'), /^linky up\n/);
});
