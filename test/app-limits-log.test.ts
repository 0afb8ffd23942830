// app.log on real disks: rotation caps it at two files of capBytes, and on a full disk (a small
// tmpfs mounted for the test) a failed write is counted and reported once, never thrown, and
// writing resumes by itself once there is room again.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppLog } from '../src/apps/app-log.ts';
import { tmpHome, until } from './helpers/cli.ts';

test('rotation: 1 MiB through a 64 KiB cap leaves app.log and app.log.1, each at most the cap', async (t) => {
  const dir = tmpHome('applog');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'app.log');
  writeFileSync(file, 'y'.repeat(60 * 1024)); // left by an earlier run, near the cap
  const reports: string[] = [];
  const log = new AppLog(file, (l) => reports.push(l), 64 * 1024);
  const chunk = Buffer.from('z'.repeat(1000) + '\n');
  for (let i = 0; i < 1024; i++) {
    log.write(chunk);
    if (i % 64 === 0) await log.close(); // drained (the next write reopens the file)
  }
  await log.close();
  t.true(statSync(file).size <= 64 * 1024);
  t.true(statSync(`${file}.1`).size <= 64 * 1024);
  t.true(log.stats.rotations >= 15, `${log.stats.rotations} rotations`);
  t.is(log.stats.writeErrors, 0);
  t.is(log.stats.droppedBytes, 0);
  t.is(log.stats.bytes, 1024 * 1001);
  t.true(readFileSync(file, 'utf8').endsWith('z\n'), 'the newest output is in app.log');
  t.deepEqual(reports, []);
});

test('full disk: writes fail with ENOSPC, counted and reported once; writing resumes when space is back', async (t) => {
  const mnt = mkdtempSync('/var/tmp/sky-logfull-');
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt], { encoding: 'utf8' });
  t.is(m.status, 0, m.stderr);
  t.teardown(() => { spawnSync('umount', [mnt]); rmSync(mnt, { recursive: true, force: true }); });
  const filler = join(mnt, 'filler');
  spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k', 'count=1000'], { encoding: 'utf8' }); // stops at ENOSPC
  const reports: string[] = [];
  const log = new AppLog(join(mnt, 'app.log'), (l) => reports.push(l), 1024 * 1024);
  const chunk = Buffer.alloc(8192, 0x61);
  for (let i = 0; i < 20; i++) { log.write(chunk); await new Promise((r) => setImmediate(r)); }
  await until(() => (log.stats.writeErrors >= 1 ? true : undefined), 10_000, 'a failed write');
  await log.close();
  t.true(log.stats.writeErrors >= 1);
  t.true(log.stats.droppedBytes >= 8192);
  t.regex(log.stats.lastError ?? '', /^ENOSPC writing .*app\.log$/);
  t.is(reports.length, 1, 'reported once, not once per chunk');
  t.regex(reports[0]!, /app\.log: write failed \(ENOSPC\)/);

  unlinkSync(filler);
  const before = log.stats.bytes;
  log.write(Buffer.from('back\n'));
  await log.close();
  t.is(log.stats.bytes, before + 5, 'the next write after space is freed succeeds');
  t.true(existsSync(join(mnt, 'app.log')) && readFileSync(join(mnt, 'app.log'), 'utf8').endsWith('back\n'));
});

test('a writer that ignores backpressure (write() false) is cut off at 256 KiB pending, the rest counted as dropped', async (t) => {
  const dir = tmpHome('applog-burst');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const log = new AppLog(join(dir, 'app.log'), () => undefined);
  const chunk = Buffer.alloc(64 * 1024, 0x62);
  const accepted = Array.from({ length: 32 }, () => log.write(chunk)); // 2 MiB in one tick: nothing drains meanwhile
  t.is(accepted[0], true);
  t.is(accepted[1], false, 'past 64 KiB the caller is told to pause');
  await log.close();
  t.true(log.stats.droppedBytes > 0);
  t.is(log.stats.bytes + log.stats.droppedBytes, 32 * 64 * 1024);
  t.true(log.stats.bytes <= 256 * 1024 + 64 * 1024);
});
