// The master's registry on a full disk (issue 12: Registry.markDirty's `void this.db.write()`
// ended the master with an unhandled rejection). A real `skywire master` whose home is a small
// full tmpfs, a real node registering with it: the master keeps running and answering, status
// shows registry.json failing with ENOSPC, a command that needs its sequence number on disk is
// refused with WRITE_FAILED instead of sent, and once space is back the registry is written.
// Then the node's disk is full: a command it cannot record is refused with WRITE_FAILED, not run.
import test from 'ava';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sky, skyDaemon, until, type Daemon } from './helpers/cli.ts';
import { mountSmallDisk } from './helpers/tmpfs.ts';
import { freeUdpPorts } from './helpers/free-port.ts';

interface Failure { file: string; errno: string; retries: number }
interface Status { disk: { ok: boolean; failing: Failure[] }; fleet: { nodes: number } | null }
const status = (home: string): Status | undefined => {
  const r = sky('status', '--home', home, '--json');
  return r.code === 0 ? (JSON.parse(r.stdout) as Status) : undefined;
};
const id = (home: string): { address: string; publicKey: string } => JSON.parse(sky('id', '--home', home, '--json').stdout) as { address: string; publicKey: string };

test('a master on a full disk keeps running; registry.json is retried, shown in status, never claimed; a command is refused until it can be persisted', async (t) => {
  const disk = mountSmallDisk(t, 'master');
  const nodeDisk = mountSmallDisk(t, 'mnode');
  const mh = join(disk.dir, 'master');
  const nh = join(nodeDisk.dir, 'node');
  t.is(sky('init', '--home', mh).code, 0);
  t.is(sky('init', '--home', nh).code, 0);
  const m = id(mh);
  const n = id(nh);
  const [pm, pn] = await freeUdpPorts(2);
  const link = { keepaliveMs: 500, deadAfterMs: 2000 };
  writeFileSync(join(mh, 'config.json'), JSON.stringify({ version: 1, name: 'm', listen: `127.0.0.1:${pm}`, link }));
  writeFileSync(join(nh, 'config.json'), JSON.stringify({ version: 1, name: 'n1', listen: `127.0.0.1:${pn}`, peers: [`${m.address}@127.0.0.1:${pm}`], master: m.publicKey, link }));
  disk.fill();
  const daemons: Daemon[] = [];
  t.teardown(() => { for (const d of daemons) d.proc.kill('SIGKILL'); });
  const dm = skyDaemon('master', '--home', mh);
  daemons.push(dm);
  await until(() => (status(mh) ? true : undefined), 30_000, 'master answering').catch((e) => { t.log(dm.output()); throw e; });
  daemons.push(skyDaemon('node', '--home', nh, '--heartbeat-ms', '1000'));

  const registry = join(mh, 'registry.json');
  await until(() => (status(mh)?.fleet?.nodes === 1 ? true : undefined), 40_000, 'the node registered (in memory)').catch((e) => { t.log(dm.output()); throw e; });
  const failing = await until(() => {
    const f = status(mh)?.disk.failing.find((x) => x.file === registry);
    return f && f.retries >= 1 ? f : undefined;
  }, 30_000, 'registry.json failing and retried');
  t.is(failing.errno, 'ENOSPC');
  t.false(existsSync(registry), 'nothing claimed written');
  await until(() => (dm.output().includes(`cannot write ${registry} (ENOSPC`) ? true : undefined), 10_000, 'the warning in the log');

  // A signed command's sequence number must be on disk before it goes out: refused, one line.
  const r = sky('exec', 'n1', '--home', mh, '--', 'true');
  t.is(r.code, 2, r.stdout + r.stderr);
  t.regex(r.stderr, /^skywire: error \[WRITE_FAILED\]: cannot write .*registry\.json \(ENOSPC\)/);
  t.is(dm.proc.exitCode, null, 'the master is still running');
  t.false(/unhandled|\n\s+at /.test(dm.output()), dm.output());

  disk.free();
  await until(() => (status(mh)?.disk.ok ? true : undefined), 90_000, 'the registry written after space came back');
  const saved = JSON.parse(readFileSync(registry, 'utf8')) as { nodes: Record<string, { name: string }> };
  t.is(saved.nodes[n.address]?.name, 'n1');

  // The node's own disk full: it cannot record the command's sequence number, so it does not
  // run the command and says why (not a silent drop, not a crash); with space back it does.
  interface Exec { results: { reply: { ok: boolean; error?: { code: string; message: string } } }[] }
  const ok = sky('exec', 'n1', '--home', mh, '--json', '--', 'true');
  t.is(ok.code, 0, ok.stdout + ok.stderr);
  nodeDisk.fill();
  const refused = sky('exec', 'n1', '--home', mh, '--json', '--', 'true');
  t.is(refused.code, 1, refused.stdout + refused.stderr);
  const reply = (JSON.parse(refused.stdout) as Exec).results[0]!.reply;
  t.is(reply.error?.code, 'WRITE_FAILED');
  t.regex(reply.error?.message ?? '', /cannot write .*command-seq\.json \(ENOSPC: the disk is full\), so the command was not run/);
  t.is(daemons[1]!.proc.exitCode, null, 'the node is still running');
  nodeDisk.free();
  const again = sky('exec', 'n1', '--home', mh, '--json', '--', 'true');
  t.is(again.code, 0, again.stdout + again.stderr);
  dm.proc.kill('SIGTERM');
  t.is(await dm.exited, 0);
});
