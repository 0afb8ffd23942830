import test from 'ava';
import { sky, skyDaemon, tmpHome, until } from './helpers/cli.ts';
import { addressOf, bootNode, bootText, identity, killAll, nodes, port, startMaster, statusOf, waitNode, writeBoot } from './helpers/master-world.ts';

test('a malformed master.txt is reported with line and fix, watched, and once fixed the node registers; approval and allowlist', async (t) => {
  const allowed = identity('allowed');
  const m = startMaster('--approval', '--allow', allowed.address);
  const x = bootNode('node-x', `# oops, pasted the address instead of the key\nnotakey\n`);
  const bootY = tmpHome('allowed-boot');
  writeBoot(bootY, bootText(m, m, 'node-y'));
  allowed.port = port();
  allowed.daemon = skyDaemon('node', '--home', allowed.home, '--boot', bootY, '--listen', `127.0.0.1:${allowed.port}`, '--heartbeat-ms', '500');
  t.teardown(() => killAll([m, x, allowed]));
  await addressOf(x);

  // The error is on the console and in status, naming the file, the line and the fix.
  await until(() => (/master\.txt line 2: "notakey" is not a public key\. Fix:/.test(x.daemon!.output()) ? true : undefined), 15_000, 'console error');
  const s = await until(() => statusOf(x), 10_000, 'status');
  t.false(s.boot!.ok);
  t.regex(s.boot!.error!, /line 2/);
  t.is(s.master.master, null);
  t.regex(sky('status', '--home', x.home).stdout, /boot file: ERROR .*master\.txt line 2/);

  // The allowlisted node is accepted at once even in approval mode.
  await waitNode(m, 'node-y', (n) => n.enrolment === 'accepted' && n.online, 'allowlisted node accepted');

  // Fix the file while the node runs: it registers without a restart, and is held for approval.
  writeBoot(x.boot!, bootText(m, m, 'node-x'));
  const pending = await waitNode(m, 'node-x', (n) => n.enrolment === 'pending', 'node-x pending');
  t.is(pending.address, x.address);
  await until(() => (statusOf(x).master.registration?.state === 'pending' ? true : undefined), 10_000, 'node sees pending');
  t.true(statusOf(x).boot!.ok);
  t.regex(sky('nodes', '--home', m.home).stdout, /node-x\s+\S+\s+pending/);
  const refused = sky('exec', 'node-x', '--home', m.home, '--', 'true');
  t.is(refused.code, 2);
  t.regex(refused.stderr, /waiting for approval/);

  const ap = sky('nodes', 'approve', 'node-x', '--home', m.home);
  t.is(ap.code, 0, ap.stderr);
  await until(() => (statusOf(x).master.registration?.state === 'registered' ? true : undefined), 10_000, 'node sees approval');
  t.is(nodes(m).find((n) => n.name === 'node-x')!.enrolment, 'accepted');
  await waitNode(m, 'node-x', (n) => n.via === 'direct', 'path to node-x');
  const ex = sky('exec', 'node-x', '--home', m.home, '--', 'echo', 'approved');
  t.is(ex.code, 0, ex.stdout + ex.stderr);
  t.regex(ex.stdout, /== node-x: exit 0\napproved\n/);
  t.regex(sky('nodes', 'approve', 'nosuchnode', '--home', m.home).stderr, /UNKNOWN_NODE/);
  // restart: the node answers, stops cleanly and exits 0 for systemd to start it again.
  const rs = sky('command', 'node-x', 'restart', '--home', m.home);
  t.is(rs.code, 0, rs.stdout + rs.stderr);
  t.deepEqual(JSON.parse(rs.stdout), { ok: true, result: { restarting: true } });
  t.is(await x.daemon!.exited, 0);
  t.regex(x.daemon!.output(), /stopping \(restart command from the master\)[\s\S]*state saved; bye/);
});
