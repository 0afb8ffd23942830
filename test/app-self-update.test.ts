// Updating the node's own software like an app: a bundle of this package at a new version is
// deployed from the master, the node restarts into it on trial, and it is committed once it
// registered; a version that cannot start is rolled back by the launcher. The node runs under a
// restart loop standing in for systemd's Restart=always.
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, sky, tmpHome } from './helpers/cli.ts';
import { bootText, killAll, nodes, port, startMaster, waitNode, writeBoot } from './helpers/master-world.ts';
import { stageSelf } from '../src/apps/self-bundle.ts';
import { buildBundle } from '../src/apps/bundle-build.ts';
import { tempDir } from './helpers/temp-dirs.ts';

const state = (home: string): { current: string | null; trial: string | null; failed?: string | null } =>
  JSON.parse(readFileSync(join(home, 'software', 'state.json'), 'utf8')) as ReturnType<typeof state>;

test('software update: committed after the new version registers; a version that cannot start is rolled back', async (t) => {
  const m = startMaster();
  const home = tmpHome('self');
  const boot = tmpHome('self-boot');
  writeBoot(boot, bootText(m, m, 'self-a'));
  const p = port();
  const cmd = `while true; do "${process.execPath}" "${BIN}" node --home "${home}" --boot "${boot}" --listen 127.0.0.1:${p} --heartbeat-ms 500 --boot-poll-ms 200; sleep 0.3; done`;
  const loop = spawn('bash', ['-c', cmd], { stdio: 'ignore', detached: true });
  t.teardown(() => { try { process.kill(-loop.pid!, 'SIGKILL'); } catch { /* gone */ } killAll([m]); });

  const first = await waitNode(m, 'self-a', (n) => n.online, 'registered');
  const v1 = join(tempDir('sky-self-'), 'v1.skybundle');
  const b = sky('app', 'build', '--self', '9.9.1', '--out', v1);
  t.is(b.code, 0, b.stderr);
  const d = sky('app', 'deploy', v1, 'self-a', '--home', m.home);
  t.is(d.code, 0, d.stdout + d.stderr);
  t.regex(d.stdout, /committed/);
  t.is(nodes(m).find((n) => n.name === 'self-a')?.version, '9.9.1');
  t.not(first.version, '9.9.1');
  t.deepEqual([state(home).current, state(home).trial], ['9.9.1', null], 'committed means the node committed, not only that it registered');
  // The bundle carries the UDP addon's C source, not this machine's binary; the same source
  // lets the new version use the binary built here, so it keeps the batched datapath.
  t.true(existsSync(join(home, 'software', '9.9.1', 'native', 'udp-batch', 'udp-batch.c')));
  t.true(lstatSync(join(home, 'software', '9.9.1', 'native', 'udp-batch', 'build')).isSymbolicLink());
  const st = JSON.parse(sky('status', '--home', home, '--json').stdout) as { udp: { batchOff: string | null } };
  t.is(st.udp.batchOff, null);

  // A version that exits at once: the launcher runs it once, then goes back to 9.9.1.
  const stage = await stageSelf(tempDir('sky-self-bad-'), '9.9.2');
  const main = join(stage, 'src', 'src', 'cli', 'main.ts');
  writeFileSync(main, `process.exit(3);\n${readFileSync(main, 'utf8')}`);
  const bad = join(stage, 'bad.skybundle');
  writeFileSync(bad, (await buildBundle(stage)).bytes);
  const d2 = sky('app', 'deploy', bad, 'self-a', '--home', m.home);
  t.is(d2.code, 1, d2.stdout + d2.stderr);
  t.regex(d2.stdout, /rolled-back/);
  await waitNode(m, 'self-a', (n) => n.online && n.version === '9.9.1', 'back on 9.9.1');
  t.deepEqual([state(home).current, state(home).trial, state(home).failed], ['9.9.1', null, '9.9.2']);
});
