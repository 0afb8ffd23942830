import test from 'ava';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sky, skyDaemon, until } from './helpers/cli.ts';
import { addressOf, bootNode, bootText, identity, killAll, nodes, startMaster, waitNode, type Proc } from './helpers/master-world.ts';

// Master M; relay R (an ordinary fleet node linked to M); node A whose boot file names M itself as its
// relay, node B whose boot file names R. Both boot from empty homes and register.
test('nodes boot from master.txt, register, show in nodes/topology, run exec --all and take a pushed config', async (t) => {
  const m = startMaster();
  const r = identity('relay');
  // The relay is in the fleet (registers with M like any node): the master routes only through members.
  writeFileSync(join(r.home, 'config.json'), JSON.stringify({ master: m.publicKey }));
  r.daemon = skyDaemon('node', '--home', r.home, '--listen', `127.0.0.1:${r.port}`, '--accept-unknown', '--peer', `${m.address}@127.0.0.1:${m.port}`);
  const a = bootNode('node-a', bootText(m, m, 'node-a'));
  const b = bootNode('node-b', bootText(m, r, 'node-b'));
  const all: Proc[] = [m, r, a, b];
  t.teardown(() => killAll(all));
  await addressOf(a);
  await addressOf(b);

  const ra = await waitNode(m, 'node-a', (n) => n.online && n.via === 'direct', 'node-a registered, path known');
  const rb = await waitNode(m, 'node-b', (n) => n.online && n.via === r.address, 'node-b registered via the relay');
  t.is(ra.address, a.address);
  t.is(ra.enrolment, 'accepted');
  t.is(ra.via, 'direct');
  t.is(rb.address, b.address);
  // The boot file became the node's config: master key, relay as a peer, name.
  const cfg = JSON.parse(readFileSync(join(b.home, 'config.json'), 'utf8')) as { master: string; relays: string[]; name: string };
  t.deepEqual([cfg.master, cfg.relays, cfg.name], [m.publicKey, [`${r.address}@127.0.0.1:${r.port}`], 'node-b']);
  // Links arrive through registration/heartbeats: B's one link is to R.
  await waitNode(m, 'node-b', (n) => n.linksUp === 1, 'node-b link up');
  const topo = JSON.parse(sky('topology', '--home', m.home, '--json').stdout) as { edges: { from: string; to: string; state: string }[] };
  t.true(topo.edges.some((e) => e.from === b.address && e.to === r.address && e.state === 'up'));
  t.regex(sky('topology', '--home', m.home, '--dot').stdout, new RegExp(`"${b.address}" \\[label="node-b"\\]`));
  t.regex(sky('nodes', '--home', m.home).stdout, new RegExp(`node-b\\s+${b.address}\\s+online\\s+.*via ${r.address}`));

  const ex = sky('exec', '--home', m.home, '--all', '--json', '--', 'sh', '-c', 'echo "hi from $0"; echo warn >&2', 'x');
  t.is(ex.code, 0, ex.stderr);
  const er = JSON.parse(ex.stdout) as { results: { node: string; reply: { ok: boolean; result: { exitCode: number; stdout: string; stderr: string } } }[]; summary: Record<string, number> };
  t.deepEqual(er.summary, { nodes: 3, succeeded: 3, failed: 0, unreachable: 0 }, 'A, B and the relay, which is in the fleet too');
  t.deepEqual(er.results.map((x) => x.node).sort(), [a.address, b.address, r.address].sort());
  for (const x of er.results) t.deepEqual([x.reply.result.exitCode, x.reply.result.stdout, x.reply.result.stderr], [0, 'hi from x\n', 'warn\n']);
  const failing = sky('exec', '--home', m.home, '--all', '--', 'sh', '-c', 'exit 3');
  t.is(failing.code, 1);
  t.regex(failing.stdout, /== node-a: exit 3/);
  t.regex(failing.stdout, /3 node\(s\): 0 succeeded, 3 failed/);

  const file = join(a.home, 'push.json');
  writeFileSync(file, JSON.stringify({ name: 'node-a', link: { keepaliveMs: 4000 } }));
  const set = sky('config', 'set', 'node-a', file, '--home', m.home);
  t.is(set.code, 0, set.stderr);
  t.regex(set.stdout, /config version 1 applied/);
  const pushed = JSON.parse(readFileSync(join(a.home, 'config.json'), 'utf8')) as Record<string, unknown>;
  t.is(pushed.configVersion, 1);
  t.deepEqual(pushed.link, { keepaliveMs: 4000 });
  t.is(pushed.master, m.publicKey, 'a push without a master key keeps the configured master');
  t.false(readdirSync(a.home).some((f) => f.endsWith('.tmp')), 'no temp file left behind');
  await waitNode(m, 'node-a', (n) => n.configVersion === 1, 'version 1 reported back');
  const again = sky('config', 'set', 'node-a', file, '--home', m.home, '--config-version', '1');
  t.is(again.code, 2);
  t.regex(again.stderr, /not newer than the applied version 1/);
  writeFileSync(file, JSON.stringify({ name: 'node-a', link: { keepaliveMs: -5 } }));
  t.is(sky('config', 'set', 'node-a', file, '--home', m.home).code, 2, 'an invalid config is refused');
  t.is((JSON.parse(readFileSync(join(a.home, 'config.json'), 'utf8')) as { configVersion: number }).configVersion, 1, 'and the old one stays');

  // A restarted master keeps its registry (lowdb on disk).
  m.daemon!.proc.kill('SIGTERM');
  t.is(await m.daemon!.exited, 0);
  t.true(existsSync(join(m.home, 'registry.json')));
  m.daemon = skyDaemon('master', '--home', m.home, '--listen', `127.0.0.1:${m.port}`);
  await until(() => (sky('status', '--home', m.home).code === 0 ? true : undefined), 10_000, 'master back');
  t.deepEqual(nodes(m).map((n) => n.address).sort(), [a.address, b.address, r.address].sort());
  await waitNode(m, 'node-a', (n) => n.online && n.via === 'direct', 'node-a re-registered', 45_000);
  const st = sky('command', 'node-a', 'status', '--home', m.home);
  t.is(st.code, 0, st.stdout + st.stderr);
  t.is((JSON.parse(st.stdout) as { result: { address: string } }).result.address, a.address, 'seq numbers resumed: not refused as replays');
});
