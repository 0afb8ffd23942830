// kill -9 of a node while an app update is on trial (new version swapped in, old one kept
// beside it, not yet committed): at the next start the node rolls back to the old version, with
// its data, and nothing of the half-done update is left.
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, sky, skyDaemon, until } from './helpers/cli.ts';
import { fleetOf, statusOf } from './helpers/master-world.ts';
import { appsOn, build, greet, writeHello } from './helpers/hello-app.ts';

test('a node killed during an update trial comes back on the old version with its data', async (t) => {
  const { m, nodes: [a] } = await fleetOf(t, 'kill-a');
  t.is(sky('app', 'deploy', build(writeHello('1.0.0')).file, 'kill-a', '--home', m.home).code, 0);
  t.regex(greet(m, a.address), /starts=1/);

  // 2.0.0 takes 8 s to become healthy: kill the node while it is on trial.
  const slow = build(writeHello('2.0.0', false, 8000));
  const deploy = spawn(process.execPath, [BIN, 'app', 'deploy', slow.file, 'kill-a', '--home', m.home], { stdio: 'ignore' });
  const app = join(a.home, 'apps', 'hello');
  // On trial: 2.0.0 swapped in, 1.0.0 kept beside it, and 2.0.0 running (it counted its start).
  await until(() => (existsSync(join(app, 'src.prev')) && readFileSync(join(app, 'data', 'starts.txt'), 'utf8') === '2' ? true : undefined), 30_000, 'update on trial');
  t.true(readFileSync(join(app, 'src', 'manifest.json'), 'utf8').includes('2.0.0'));
  a.daemon!.proc.kill('SIGKILL');
  await a.daemon!.exited;
  deploy.kill('SIGKILL');

  a.daemon = skyDaemon('node', '--home', a.home, '--boot', a.boot!, '--listen', `127.0.0.1:${a.port}`, '--heartbeat-ms', '500');
  await until(() => (statusOf(a).master.registration?.state === 'registered' ? true : undefined), 30_000, 'kill-a registered again');
  const running = await until(() => appsOn(m, 'kill-a').find((x) => x.state === 'running'), 20_000, 'hello running again');
  t.is(running.version, '1.0.0');
  t.false(existsSync(join(app, 'src.prev')), 'the kept copy went back into place');
  t.false(existsSync(join(a.home, 'run', 'apps', 'hello', 'journal.json')), 'the journal is gone');
  // Starts: 1 (v1), 2 (v2 on trial, counted before its delay), 3 (v1 after the rollback).
  t.regex(greet(m, a.address), /^hello 1\.0\.0 starts=3\n/);
  await until(() => (/update was interrupted before it was committed; rolled back/.test(a.daemon!.output()) ? true : undefined), 10_000, 'the rollback in the node\'s log');
});
