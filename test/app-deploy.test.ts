// Deploy, update, rollback, export and move with real processes: a master and two nodes booted
// from master.txt on loopback, apps built with `skywire app build`, run in bubblewrap, reached
// over the overlay with `skywire connect`.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, sky, skyDaemon, tmpHome, until } from './helpers/cli.ts';
import { appsOn, build, greet, writeHello } from './helpers/hello-app.ts';
import { fleetOf, statusOf } from './helpers/master-world.ts';

test('deploy, failed update rolled back, good update committed, export, move between nodes', async (t) => {
  const { m, nodes: [a, b] } = await fleetOf(t, 'app-a', 'app-b');

  const v1 = build(writeHello('1.0.0'));
  t.regex(v1.sha, /^[0-9a-f]{64}$/);
  t.is(build(writeHello('1.0.0')).sha, v1.sha, 'the same files in another directory build the same bundle');
  const d1 = sky('app', 'deploy', v1.file, 'app-a', '--home', m.home);
  t.is(d1.code, 0, d1.stdout + d1.stderr);
  t.regex(d1.stdout, new RegExp(`${a.address}: committed`));
  t.regex(greet(m, a.address), /^hello 1\.0\.0 starts=1\necho\n$/);
  t.deepEqual(appsOn(m, 'app-a').map((x) => [x.name, x.version, x.state]), [['hello', '1.0.0', 'running']]);
  // Its output, from the master: the last lines, and --follow printing what comes next.
  const logs = sky('app', 'logs', 'app-a', 'hello', '--home', m.home);
  t.is(logs.code, 0, logs.stderr);
  t.regex(logs.stdout, /^hello 1\.0\.0 starting$/m);
  const follow = skyDaemon('app', 'logs', 'app-a', 'hello', '--follow', '--lines', '1', '--home', m.home);
  t.teardown(() => { follow.proc.kill('SIGKILL'); });
  await until(() => (/hello 1\.0\.0 starting/.test(follow.output()) ? true : undefined), 20_000, 'app logs --follow prints the log');
  t.is(sky('app', 'logs', 'app-a', 'nope', '--home', m.home).code, 2, 'an app that is not there is an error');

  // A version that never becomes healthy: the node goes back to 1.0.0 by itself.
  const bad = build(writeHello('2.0.0-broken', true));
  const d2 = sky('app', 'deploy', bad.file, 'app-a', '--home', m.home);
  t.is(d2.code, 1);
  // The rollback says why and shows what the app said.
  t.regex(d2.stdout, /: rolled-back: the new version was not healthy \(listening on port \d+\) within 4000 ms; the previous version runs again\n/);
  t.regex(d2.stdout, /app log, last lines:\n(  \| .*\n)*  \| hello 2\.0\.0-broken starting\n/);
  const after = await until(() => appsOn(m, 'app-a').find((x) => x.state === 'running'), 15_000, 'old version running again');
  t.deepEqual([after.version, after.lastUpdate], ['1.0.0', 'rolled-back']);
  t.regex(greet(m, a.address), /^hello 1\.0\.0 starts=3\n/, 'v1 runs again with its data (third start)');
  t.false(existsSync(join(a.home, 'apps', 'hello', 'src.prev')), 'nothing of the failed version is left');

  const v3 = build(writeHello('3.0.0'));
  t.is(sky('app', 'deploy', v3.file, 'app-a', '--home', m.home).code, 0);
  t.regex(greet(m, a.address), /^hello 3\.0\.0 starts=4\n/, 'the update keeps data/');

  const archive = join(tmpHome('export'), 'hello.skyapp');
  const ex = sky('app', 'export', 'app-a', 'hello', '--home', m.home, '--out', archive);
  t.is(ex.code, 0, ex.stderr);
  t.true(readFileSync(archive).length > 0);
  t.regex(greet(m, a.address), /starts=5/, 'export restarts the app it stopped');

  const mv = sky('app', 'move', 'hello', '--from', 'app-a', '--to', 'app-b', '--home', m.home);
  t.is(mv.code, 0, mv.stdout + mv.stderr);
  t.regex(greet(m, b.address), /^hello 3\.0\.0 starts=6\n/, 'on B with the data it had on A');
  t.false(existsSync(join(a.home, 'apps', 'hello')), 'removed from A once B was healthy');
  t.deepEqual(appsOn(m, 'app-a'), []);

  // stop and start say what they did in a sentence; a stopped app shows "stopped".
  const stop = sky('app', 'stop', 'app-b', 'hello', '--home', m.home);
  t.is(stop.code, 0, stop.stderr);
  t.regex(stop.stdout, /^stopped hello on app-b; "skywire app start app-b hello" starts it again\n$/);
  t.regex(sky('app', 'list', 'app-b', '--home', m.home).stdout, /hello\s+3\.0\.0\s+stopped/);
  const start = sky('app', 'start', 'app-b', 'hello', '--home', m.home);
  t.is(start.code, 0, start.stderr);
  t.regex(start.stdout, /^started hello on app-b: /);
  await until(() => appsOn(m, 'app-b').find((x) => x.state === 'running'), 15_000, 'hello running again on B');

  // The archive exported from A goes back onto A (which gave the app up in the move), with the
  // data it held at export: the counter of starts goes on from there.
  const imp = sky('app', 'import', 'app-a', archive, '--home', m.home);
  t.is(imp.code, 0, imp.stderr);
  t.regex(imp.stdout, /^imported hello 3\.0\.0 on app-a from .*hello\.skyapp: /);
  await until(() => appsOn(m, 'app-a').find((x) => x.name === 'hello' && x.state === 'running'), 15_000, 'hello running on A from the archive');
  t.regex(greet(m, a.address), /^hello 3\.0\.0 starts=5\n/, 'the data as exported');
});

test('a move interrupted because the target is down loses nothing and resumes when run again', async (t) => {
  const { m, nodes: [a, b] } = await fleetOf(t, 'mv-a', 'mv-b');
  const v1 = build(writeHello('1.0.0'));
  t.is(sky('app', 'deploy', v1.file, 'mv-a', '--home', m.home).code, 0);

  b.daemon!.proc.kill('SIGKILL');
  await b.daemon!.exited;
  const failed = sky('app', 'move', 'hello', '--from', 'mv-a', '--to', 'mv-b', '--home', m.home);
  t.is(failed.code, 2);
  t.regex(failed.stderr, /MOVE_FAILED|unreachable|timeout/);
  t.true(existsSync(join(a.home, 'apps', 'hello', 'data', 'starts.txt')), 'A still holds the app and its data');
  t.true(existsSync(join(m.home, 'run', 'moves', 'hello.archive')), 'the master kept the copy it took');

  b.daemon = skyDaemon('node', '--home', b.home, '--boot', b.boot!, '--listen', `127.0.0.1:${b.port}`, '--heartbeat-ms', '500');
  // The master's row still says online for a while after B died: wait for B's own word that it
  // registered again (which also makes the master drop its route to the old B).
  await until(() => (statusOf(b).master.registration?.state === 'registered' ? true : undefined), 30_000, 'mv-b registered again');
  const again = sky('app', 'move', 'hello', '--from', 'mv-a', '--to', 'mv-b', '--home', m.home);
  t.is(again.code, 0, again.stdout + again.stderr);
  t.regex(greet(m, b.address), /^hello 1\.0\.0 starts=2\n/);
  t.false(existsSync(join(a.home, 'apps', 'hello')));
  t.false(existsSync(join(m.home, 'run', 'moves', 'hello.json')), 'the journal is gone once done');
});

test('app init writes a skeleton that builds, deploys and answers on its port as written', async (t) => {
  const { m } = await fleetOf(t, 'init-a');
  const parent = tmpHome('app-init');
  t.teardown(() => rmSync(parent, { recursive: true, force: true }));
  const dir = join(parent, 'greeter');
  const init = sky('app', 'init', dir);
  t.is(init.code, 0, init.stderr);
  t.regex(init.stdout, /^app greeter in /);
  const again = sky('app', 'init', dir);
  t.is(again.code, 2);
  t.regex(again.stderr, /^skywire: error \[APP_EXISTS\]: .* is not empty/);
  const bundle = join(parent, 'greeter.skybundle');
  t.is(sky('app', 'build', dir, '--out', bundle).code, 0);
  const d = sky('app', 'deploy', bundle, 'init-a', '--home', m.home);
  t.is(d.code, 0, d.stdout + d.stderr);
  t.regex(d.stdout, /committed/);
  const r = spawnSync(process.execPath, [BIN, 'connect', '--home', m.home, 'init-a', '40'], { input: '', encoding: 'utf8', timeout: 20_000 });
  t.regex(r.stdout, /^hello, .+: visit 1\n$/, r.stderr);
});
