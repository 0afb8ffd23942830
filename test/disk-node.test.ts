// A full disk never kills a node (issue 12): real `skywire node` processes whose home is a
// small tmpfs filled until ENOSPC. The node starts and says so, keeps answering, shows the
// failing file and errno in status, retries, and clears it once space is back.
import test from 'ava';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sky, skyDaemon, until } from './helpers/cli.ts';
import { mountSmallDisk } from './helpers/tmpfs.ts';

interface Failure { file: string; errno: string; since: number; retries: number; nextRetryAt: number | null }
interface Status { disk: { ok: boolean; failing: Failure[] } }
const status = (home: string): Status | undefined => {
  const r = sky('status', '--home', home, '--json');
  return r.code === 0 ? (JSON.parse(r.stdout) as Status) : undefined;
};
const ANOTHER = 'aaaaaaaaaaaaaaaaaaaaaaaaaa';

test('a node on a full disk starts and says so, status shows state.json ENOSPC with retries, an SMS it cannot store is refused, and all clears once space is back', async (t) => {
  const disk = mountSmallDisk(t, 'node');
  const home = join(disk.dir, 'home');
  t.is(sky('init', '--home', home).code, 0);
  writeFileSync(join(home, 'config.json'), JSON.stringify({ version: 1, name: 'full', listen: '127.0.0.1:0' }));
  t.true(disk.fill() > 0);
  const d = skyDaemon('node', '--home', home);
  t.teardown(() => d.proc.kill('SIGKILL'));
  const stateFile = join(home, 'state.json');
  await until(() => (d.output().includes('listening') ? true : undefined), 60_000, 'node listening').catch((e) => { t.log(d.output()); throw e; });
  t.true(d.output().includes(`warning: cannot write ${stateFile} (ENOSPC`), d.output());
  t.false(/\n\s+at /.test(d.output()), 'no stack trace');

  // Answering, and saying what fails; the retries go on (backoff 1 s, 2 s, ...).
  const failing = await until(() => {
    const f = status(home)?.disk.failing.find((x) => x.file === stateFile);
    return f && f.retries >= 1 ? f : undefined;
  }, 20_000, 'a failed retry in status');
  t.is(failing.errno, 'ENOSPC');
  t.false(status(home)!.disk.ok);
  t.regex(sky('status', '--home', home).stdout, new RegExp(`disk: cannot write ${stateFile} \\(ENOSPC\\) since \\d+s ago, \\d+ retries`));
  // status can count the retry before the daemon's stdout line has reached this process's pipe
  // (CI under load): wait for the line rather than read it once.
  await until(() => (/cannot write .*state\.json \(ENOSPC: the disk is full\); retry 1 failed, retry in 2s/.test(d.output()) ? true : undefined), 20_000, 'the retry line')
    .catch((e) => { t.log(d.output()); throw e; });

  // A message that cannot be stored is not sent, and the sender is told why.
  const refused = sky('sms', 'send', ANOTHER, 'hello', '--home', home, '--json');
  t.is(refused.code, 2);
  t.regex(refused.stderr, /^skywire: error \[WRITE_FAILED\]: message not sent: cannot write .*sms\.json \(ENOSPC\)/);
  t.is(refused.stderr.trim().split('\n').length, 1, refused.stderr);
  t.is(d.proc.exitCode, null, 'still running');
  t.false(existsSync(join(home, 'sms.json')));
  t.deepEqual(readdirSync(home).filter((f) => f.endsWith('.tmp')), [], 'no half-written temp file holds the space');

  disk.free();
  await until(() => (status(home)?.disk.ok ? true : undefined), 40_000, 'the retry after space came back');
  const wrote = new RegExp(`wrote ${stateFile} after \\d+ failed attempt\\(s\\) \\(ENOSPC since`);
  await until(() => (wrote.test(d.output()) ? true : undefined), 10_000, 'the log line saying it was written');
  t.is((JSON.parse(readFileSync(stateFile, 'utf8')) as { starts: number }).starts, 1);
  t.notRegex(sky('status', '--home', home).stdout, /disk:/);
  const sent = sky('sms', 'send', ANOTHER, 'hello again', '--home', home, '--json');
  t.is(sent.code, 0, sent.stderr);
  t.is((JSON.parse(sent.stdout) as { state: string }).state, 'queued');

  d.proc.kill('SIGTERM');
  t.is(await d.exited, 0);
  t.regex(d.output(), /state saved; bye/);
  t.true((JSON.parse(readFileSync(stateFile, 'utf8')) as { cleanShutdown: boolean }).cleanShutdown);
});

test('a node that cannot even create its identity on a full disk: one WRITE_FAILED line, exit 2, nothing left behind', (t) => {
  const disk = mountSmallDisk(t, 'ident');
  const home = join(disk.dir, 'new');
  disk.fill();
  const r = sky('node', '--home', home, '--listen', '127.0.0.1:0');
  t.is(r.code, 2);
  t.regex(r.stderr, /^skywire: error \[WRITE_FAILED\]: cannot write .*identity\.json \(ENOSPC: the disk is full\), so the node cannot create its identity: free space/);
  t.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  t.deepEqual(existsSync(home) ? readdirSync(home) : [], []);
});

test('a node stopped while its disk is full says its state is not saved, and exits 1', async (t) => {
  const disk = mountSmallDisk(t, 'stop');
  const home = join(disk.dir, 'home');
  t.is(sky('init', '--home', home).code, 0);
  disk.fill();
  const d = skyDaemon('node', '--home', home, '--listen', '127.0.0.1:0');
  t.teardown(() => d.proc.kill('SIGKILL'));
  // Its signal handlers are in place once it runs; a failed retry (1 s in) shows that it does.
  await until(() => ((status(home)?.disk.failing[0]?.retries ?? 0) >= 1 ? true : undefined), 60_000, 'a failed retry').catch((e) => { t.log(d.output()); throw e; });
  d.proc.kill('SIGTERM');
  t.is(await d.exited, 1, d.output());
  t.regex(d.output(), /not retried \(stopping\)/);
  t.regex(d.output(), /bye; some state could not be saved/);
  t.false(existsSync(join(home, 'state.json')));
});
