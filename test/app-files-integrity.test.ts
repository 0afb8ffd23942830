// The files app's integrity and quota under concurrency and abuse: the quota is exact with many
// uploads at once, one writer per path, committed files never change, abandoned partials are
// listed, counted, removable and expire, directories count, and pending uploads are bounded.
import test from 'ava';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, lstatSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { spawnSync } from 'node:child_process';
import { serveFiles } from '../src/apps/builtin/files/serve-files.ts';
import { openFilesStore, type FilesStore, type FilesStoreOptions } from '../src/apps/builtin/files/files-store.ts';
import { filesClient, type FilesClient } from '../src/apps/builtin/files/files-client.ts';
import { openWire, type FilesWire } from '../src/apps/builtin/files/files-wire.ts';
import { chunkFrame, jsonFrame, CHUNK_BYTES, type Frame } from '../src/apps/builtin/files/files-protocol.ts';
import { ENTRY_BYTES } from '../src/apps/builtin/files/quota-guard.ts';
import { realRandom } from '../src/env/real-random.ts';
import { until } from './helpers/cli.ts';
import { tempDir } from './helpers/temp-dirs.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const HOUR = 3600_000;

interface Srv { dataDir: string; port: number; store: FilesStore; clock: { now: number }; server: Server; sockets: Socket[] }
const servers: Srv[] = [];
const clientSockets: Socket[] = [];
const dirs: string[] = [];
test.after.always(() => {
  for (const s of [...clientSockets, ...servers.flatMap((x) => x.sockets)]) s.destroy();
  for (const s of servers) s.server.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const tmp = (label: string): string => {
  const d = tempDir(`files-int-${label}-`);
  dirs.push(d);
  return d;
};
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

type StoreOpts = Omit<FilesStoreOptions, 'dataDir' | 'wallMs' | 'random'>;
const storeOn = (dataDir: string, clock: { now: number }, o: StoreOpts): Promise<FilesStore> =>
  openFilesStore({ dataDir, wallMs: () => clock.now, random: realRandom(), ...o });

/** A files server on a real loopback TCP socket over a fresh data directory, with a clock the
 *  test moves by hand. */
const startServer = async (o: StoreOpts, dataDir = join(tmp('home'), 'data')): Promise<Srv> => {
  const clock = { now: Date.now() };
  const store = await storeOn(dataDir, clock, o);
  const sockets: Socket[] = [];
  const server = createServer({ allowHalfOpen: true }, (s) => { sockets.push(s); serveFiles(s, store); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const srv = { dataDir, port: (server.address() as { port: number }).port, store, clock, server, sockets };
  servers.push(srv);
  return srv;
};
const dial = async (srv: Srv): Promise<Socket> => {
  const sock = connect({ port: srv.port, host: '127.0.0.1', allowHalfOpen: true });
  await once(sock, 'connect');
  clientSockets.push(sock);
  return sock;
};
const client = async (srv: Srv): Promise<FilesClient> => filesClient(await dial(srv));
const raw = async (srv: Srv): Promise<{ sock: Socket; wire: FilesWire }> => {
  const sock = await dial(srv);
  return { sock, wire: openWire(sock) };
};
const json = (f: Frame): Record<string, unknown> => (f.kind === 'json' ? f.value : { kind: 'chunk' });
const code = async (p: Promise<unknown>): Promise<string> => p.then(() => 'resolved', (e: { code?: string }) => e.code ?? String(e));
const localFile = (bytes: Uint8Array, name = 'src.bin'): string => {
  const f = join(tmp('local'), name);
  writeFileSync(f, bytes);
  return f;
};
const sendBytes = async (wire: FilesWire, data: Buffer, from: number, to: number): Promise<void> => {
  for (let off = from; off < to; off += CHUNK_BYTES) await wire.send(chunkFrame(off, data.subarray(off, Math.min(to, off + CHUNK_BYTES))));
};
const begin = async (wire: FilesWire, path: string, data: Buffer, extra: object = {}): Promise<Record<string, unknown>> => {
  await wire.send(jsonFrame({ op: 'begin', path, size: data.length, sha256: sha(data), ...extra }));
  return json(await wire.next());
};
/** mkdir requests pipelined in batches (the server answers in order): the codes, 'ok' or the refusal. */
const mkdirs = async (wire: FilesWire, paths: string[], parents = false): Promise<string[]> => {
  const out: string[] = [];
  for (let i = 0; i < paths.length; i += 200) {
    const batch = paths.slice(i, i + 200);
    for (const path of batch) await wire.send(jsonFrame({ op: 'mkdir', path, parents }));
    for (const _ of batch) {
      const r = json(await wire.next());
      out.push(r.ok === true ? 'ok' : String(r.code));
    }
  }
  return out;
};
/** Every byte under the data directory, the staging directory included: what the disk holds.
 *  Sampled while uploads run, so an entry listed may be gone (renamed or removed) a moment
 *  later: it holds nothing then (CI under load: ENOENT on a partial's .json). */
const bytesOnDisk = (dir: string): number => {
  let entries;
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch (e) { if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0; throw e; }
  return entries.reduce((n, e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return n + bytesOnDisk(p);
    try { return n + lstatSync(p).size; } catch (err) { if ((err as NodeJS.ErrnoException).code === 'ENOENT') return n; throw err; }
  }, 0);
};
/** What a fresh start-up walk measures: the incremental counter must always agree with it. */
const freshUsage = async (srv: Srv): Promise<{ committedBytes: number; entries: number }> => {
  const u = (await storeOn(srv.dataDir, srv.clock, { quotaBytes: srv.store.quota.quotaBytes })).usage();
  return { committedBytes: u.committedBytes, entries: u.entries };
};
const counted = (srv: Srv): { committedBytes: number; entries: number } => {
  const u = srv.store.usage();
  return { committedBytes: u.committedBytes, entries: u.entries };
};

test('8 concurrent uploads against a 3 MiB quota store at most the quota, at every moment', async (t) => {
  const quota = 3 * MiB + 8 * ENTRY_BYTES;
  const srv = await startServer({ quotaBytes: quota });
  const files = Array.from({ length: 8 }, () => randomBytes(MiB));
  const clients = await Promise.all(files.map(() => client(srv)));
  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    for (let i = 0; sampling && i < 10_000; i++) {
      peak = Math.max(peak, bytesOnDisk(srv.dataDir));
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  const results = await Promise.all(files.map((f, i) => code(clients[i]!.put(localFile(f), `f${i}.bin`))));
  sampling = false;
  await sampler;
  const stored = results.filter((r) => r === 'resolved').length;
  t.true(results.every((r) => r === 'resolved' || r === 'QUOTA_EXCEEDED'), results.join(','));
  t.is(stored, 3, 'exactly as many 1 MiB files as the quota holds');
  t.true(peak <= quota, `disk held at most ${peak} bytes (quota ${quota})`);
  t.true(bytesOnDisk(srv.dataDir) <= quota);
  const u = srv.store.usage();
  t.true(u.usedBytes <= quota);
  t.is(u.reservedBytes, 0, 'no reservation is left behind');
  t.deepEqual(counted(srv), await freshUsage(srv), 'the incremental counter equals a fresh walk');
  t.is(srv.store.refused.QUOTA_EXCEEDED, 5);
  // Declaring little and sending more is refused at the declared size: nothing past it is written.
  const { wire } = await raw(srv);
  const big = randomBytes(200 * KiB);
  await wire.send(jsonFrame({ op: 'begin', path: 'liar.bin', size: 10, sha256: sha(big) }));
  t.like(json(await wire.next()), { ok: true });
  await wire.send(chunkFrame(0, big));
  t.like(json(await wire.next()), { ok: false, code: 'BAD_REQUEST' });
  t.true(bytesOnDisk(srv.dataDir) <= quota);
  clients.forEach((c) => c.close());
  t.log(`8 x 1 MiB at once, quota 3 MiB: ${stored} stored, ${results.length - stored} refused (QUOTA_EXCEEDED), peak on disk ${peak} bytes`);
});

test('a second writer of the same path is refused with FS_BUSY while the first is active, through any alias', async (t) => {
  const srv = await startServer({ quotaBytes: 64 * MiB });
  const c = await client(srv);
  await c.mkdir('docs');
  symlinkSync('docs', join(srv.dataDir, 'alias'));
  const data = randomBytes(2 * MiB);
  const a = await raw(srv);
  t.like(await begin(a.wire, 'docs/x.bin', data), { ok: true, offset: 0 });
  await sendBytes(a.wire, data, 0, MiB);
  const b = await raw(srv);
  t.like(await begin(b.wire, 'docs/x.bin', data), { ok: false, code: 'FS_BUSY' }, 'same path and content');
  t.like(await begin(b.wire, 'docs/x.bin', randomBytes(10)), { ok: false, code: 'FS_BUSY' }, 'same path, other content');
  t.like(await begin(b.wire, 'alias/x.bin', data), { ok: false, code: 'FS_BUSY' }, 'the same file through a symlinked directory');
  t.is(await code(c.put(localFile(data), 'docs/x.bin')), 'FS_BUSY', 'and through the client, as the CLI sees it');
  t.like(await begin(b.wire, 'docs/other.bin', data), { ok: true }, 'another path is free');
  await sendBytes(a.wire, data, MiB, data.length);
  await a.wire.send(jsonFrame({ op: 'commit' }));
  t.like(await a.wire.reply(), { size: data.length, sha256: sha(data) });
  t.is((await c.put(localFile(data), 'docs/x.bin')).sha256, sha(data), 'once the first has finished, the path is free again');
  // A writer whose stream ends lets go of the path too (its partial stays, for a resume).
  const d = await raw(srv);
  t.like(await begin(d.wire, 'docs/y.bin', data), { ok: true });
  await sendBytes(d.wire, data, 0, MiB);
  await until(() => srv.store.partials.list().find((p) => p.path === 'docs/y.bin' && p.held >= MiB), 5000, 'half of y.bin');
  d.sock.destroy();
  await until(() => srv.store.writers.size <= 1 || undefined, 5000, 'the cut writer let go');
  const again = await c.put(localFile(data), 'docs/y.bin');
  t.is(again.resumedAt, MiB, 'and the next writer resumes its bytes');
  t.true((srv.store.refused.FS_BUSY ?? 0) >= 4);
  c.close();
});

test('a committed file never changes: later and stale uploads make a new inode and rename over it', async (t) => {
  const srv = await startServer({ quotaBytes: 64 * MiB });
  const c = await client(srv);
  const v1 = randomBytes(MiB);
  const v2 = randomBytes(MiB);
  const file = join(srv.dataDir, 'doc.bin');
  // The measured bug: two writers of the same path and content shared one partial file, and the
  // one that was still writing after the other committed wrote into the committed file.
  const a = await raw(srv);
  const b = await raw(srv);
  t.like(await begin(a.wire, 'doc.bin', v1), { ok: true });
  t.like(await begin(b.wire, 'doc.bin', v1), { ok: false, code: 'FS_BUSY' });
  await sendBytes(a.wire, v1, 0, v1.length);
  await a.wire.send(jsonFrame({ op: 'commit' }));
  await a.wire.reply();
  const ino1 = statSync(file).ino;
  const fd = openSync(file, 'r'); // a reader holding the committed file
  t.teardown(() => closeSync(fd));
  // The refused writer keeps sending: its chunks belong to no upload and cannot reach the file.
  await b.wire.send(chunkFrame(0, v2.subarray(0, CHUNK_BYTES))).catch(() => {});
  await a.wire.send(chunkFrame(v1.length, v2.subarray(0, CHUNK_BYTES))).catch(() => {});
  // A later upload of the same path, half sent: the committed file is untouched meanwhile.
  const later = await raw(srv);
  t.like(await begin(later.wire, 'doc.bin', v2), { ok: true, offset: 0 }, 'a new upload starts from zero: it never resumes into the committed file');
  await sendBytes(later.wire, v2, 0, v2.length / 2);
  await until(() => srv.store.partials.list().find((p) => p.held >= v2.length / 2), 5000, 'half of v2');
  t.is(statSync(file).ino, ino1);
  t.is(sha(readFileSync(file)), sha(v1), 'readers still see v1, whole');
  // Same content again, while a copy of it is committed: still a fresh partial, still no write into v1's inode.
  await sendBytes(later.wire, v2, v2.length / 2, v2.length);
  await later.wire.send(jsonFrame({ op: 'commit' }));
  t.like(await later.wire.reply(), { sha256: sha(v2) });
  t.not(statSync(file).ino, ino1, 'the new content is a new inode renamed over the old name');
  t.is(sha(readFileSync(file)), sha(v2));
  const old = Buffer.alloc(v1.length);
  t.is(readSync(fd, old, 0, old.length, 0), v1.length);
  t.is(sha(old), sha(v1), 'the old inode still holds exactly v1');
  const ino2 = statSync(file).ino;
  await c.put(localFile(v2), 'doc.bin');
  t.not(statSync(file).ino, ino2, 'even an identical re-upload renames a new inode over it');
  t.deepEqual(readdirSync(join(srv.dataDir, '.skywire-files', 'partial')), []);
  c.close();
});

test('an abandoned partial is listed, counts against the quota, is removable, and expires after 24 h idle', async (t) => {
  const quota = 4 * MiB;
  const srv = await startServer({ quotaBytes: quota });
  const c = await client(srv);
  const data = randomBytes(3 * MiB);
  const { sock, wire } = await raw(srv);
  const started = await begin(wire, 'big.bin', data);
  const id = String(started.uploadId);
  t.regex(id, /^[0-9a-f]{32}$/);
  await sendBytes(wire, data, 0, MiB);
  await until(() => srv.store.partials.list().find((p) => p.held === MiB), 5000, 'a MiB held');
  sock.destroy();
  await until(() => srv.store.partials.list().find((p) => !p.active), 5000, 'the partial is idle');
  const report = await c.partials();
  t.like(report.partials[0], { uploadId: id, path: 'big.bin', size: data.length, held: MiB, sha256: sha(data), active: false });
  t.like(report.usage, { reservedBytes: data.length + ENTRY_BYTES, usedBytes: data.length + ENTRY_BYTES, quotaBytes: quota, pending: 1 });
  // Counted: a 2 MiB file would fit the quota, but not beside the partial's 3 MiB.
  const two = localFile(randomBytes(2 * MiB));
  t.is(await code(c.put(two, 'two.bin')), 'QUOTA_EXCEEDED');
  // Removable.
  t.is(await code(c.rmPartial('no-such-id')), 'FS_NOT_FOUND');
  t.is(await c.rmPartial(id), data.length + ENTRY_BYTES);
  t.deepEqual((await c.partials()).partials, []);
  t.deepEqual(readdirSync(join(srv.dataDir, '.skywire-files', 'partial')), [], 'its files are gone from the disk');
  await c.put(two, 'two.bin');
  await c.rm('two.bin');
  // Expiry: by the app's clock, with no timer: idle for 24 h and the partial is gone.
  const again = await raw(srv);
  await begin(again.wire, 'big.bin', data);
  await sendBytes(again.wire, data, 0, MiB);
  await until(() => srv.store.partials.list().find((p) => p.held === MiB), 5000, 'a MiB held again');
  again.sock.destroy();
  await until(() => srv.store.partials.list().find((p) => !p.active), 5000, 'idle again');
  srv.clock.now += 23 * HOUR;
  t.is((await c.partials()).partials.length, 1, 'not yet after 23 h');
  // A partial still resumes across a restart of the app (the table is read back from the disk).
  const restarted = await storeOn(srv.dataDir, srv.clock, { quotaBytes: quota });
  t.like(restarted.partials.list()[0], { path: 'big.bin', held: MiB });
  t.is(restarted.usage().reservedBytes, data.length + ENTRY_BYTES);
  srv.clock.now += 2 * HOUR;
  const expired = await c.partials();
  t.deepEqual(expired.partials, [], 'expired after 25 h idle');
  t.like(expired.usage, { reservedBytes: 0, usedBytes: 0 });
  t.is(expired.counters.expired, 1);
  t.is(expired.counters.removed, 1);
  await until(() => readdirSync(join(srv.dataDir, '.skywire-files', 'partial')).length === 0 || undefined, 5000, 'expired files removed');
  t.is((await c.put(two, 'two.bin')).size, 2 * MiB, 'its room is free again');
  c.close();
});

test('10,000 mkdirs stop at the quota (4 KiB each) and at maxEntries; deleting gives it all back', async (t) => {
  const srv = await startServer({ quotaBytes: MiB });
  const c = await client(srv);
  const { wire } = await raw(srv);
  const codes = await mkdirs(wire, Array.from({ length: 10_000 }, (_, i) => `d${i}`));
  t.is(codes.filter((r) => r === 'ok').length, MiB / ENTRY_BYTES, '256 directories fill a 1 MiB quota');
  t.is(codes.indexOf('QUOTA_EXCEEDED'), 256);
  t.true(codes.slice(256).every((r) => r === 'QUOTA_EXCEEDED'));
  t.is(srv.store.refused.QUOTA_EXCEEDED, 10_000 - 256, 'every further attempt refused and counted');
  t.is(readdirSync(srv.dataDir).length, 256 + 1, 'the disk holds only those (and the staging directory)');
  t.is(await code(c.put(localFile(Buffer.alloc(0)), 'empty.txt')), 'QUOTA_EXCEEDED', 'an empty file costs an entry too');
  t.deepEqual(counted(srv), await freshUsage(srv));
  for (let i = 0; i < 256; i++) await c.rm(`d${i}`);
  t.like(srv.store.usage(), { usedBytes: 0, entries: 0 });

  // The entry cap, with room to spare in bytes: nested directories (mkdir -p) count one by one.
  const capped = await startServer({ quotaBytes: 1024 ** 3, maxEntries: 1000 });
  const d = await client(capped);
  const codes2 = await mkdirs((await raw(capped)).wire, Array.from({ length: 10_000 }, (_, i) => `a${i % 50}/b${i}`), true);
  t.is(capped.store.usage().entries, 1000, 'exactly maxEntries entries');
  t.is(codes2.filter((r) => r === 'ok').length, 1000 - 50, '50 parents and 950 children');
  t.true(codes2.every((r) => r === 'ok' || r === 'QUOTA_EXCEEDED'));
  t.deepEqual(counted(capped), await freshUsage(capped));
  await d.rm('a0', { recursive: true });
  t.deepEqual(counted(capped), await freshUsage(capped), 'a recursive delete refunds every entry');
  t.is(capped.store.usage().entries, 1000 - 20);
  c.close();
  d.close();
});

test('pending uploads are bounded: the oldest idle is evicted and counted; when all are active a new one is FS_BUSY', async (t) => {
  const srv = await startServer({ quotaBytes: 64 * MiB, maxPendingUploads: 4 });
  const data = randomBytes(64 * KiB);
  // 1,000 client-chosen upload ids on one stream: each begin abandons the previous one.
  const { wire } = await raw(srv);
  for (let i = 0; i < 1000; i++) {
    const r = await begin(wire, `p${i}.bin`, data, { uploadId: `id-${i}` });
    t.is(r.ok, true);
    t.is(r.uploadId, `id-${i}`);
  }
  const list = srv.store.partials.list();
  t.is(list.length, 4);
  t.deepEqual(list.map((p) => p.uploadId).sort(), ['id-996', 'id-997', 'id-998', 'id-999']);
  t.is(srv.store.partials.counters.evicted, 996);
  t.true(readdirSync(join(srv.dataDir, '.skywire-files', 'partial')).length <= 8);
  t.is(srv.store.usage().reservedBytes, 4 * (data.length + ENTRY_BYTES));
  // An id is one upload: reusing it for other content is refused; bad ids are refused.
  t.like(await begin(wire, 'p999.bin', randomBytes(5), { uploadId: 'id-998' }), { ok: false, code: 'BAD_REQUEST' });
  t.like(await begin(wire, 'x.bin', data, { uploadId: '../../etc' }), { ok: false, code: 'BAD_REQUEST' });
  t.like(await begin(wire, 'x.bin', data, { uploadId: 'x'.repeat(65) }), { ok: false, code: 'BAD_REQUEST' });
  // The same id and content resumes it.
  t.like(await begin(wire, 'p998.bin', data, { uploadId: 'id-998' }), { ok: true, uploadId: 'id-998', offset: 0 });
  // Four uploads being written (id-998 on this stream, three more on their own): a fifth
  // cannot evict any of them.
  const writers = await Promise.all([0, 1, 2].map(() => raw(srv)));
  for (const [i, w] of writers.entries()) t.like(await begin(w.wire, `w${i}.bin`, data), { ok: true });
  const fifth = await raw(srv);
  t.like(await begin(fifth.wire, 'w4.bin', data), { ok: false, code: 'FS_BUSY' });
  t.like(await begin(fifth.wire, '', data), { ok: false, code: 'BAD_REQUEST' }, 'the root is no upload target');
  t.is(srv.store.partials.list().filter((p) => p.active).length, 4);
  writers[0]!.sock.destroy();
  await until(() => srv.store.partials.list().some((p) => !p.active) || undefined, 5000, 'one writer gone');
  t.like(await begin(fifth.wire, 'w4.bin', data), { ok: true }, 'an idle one can be evicted again');
});

test.serial('a full disk (a real 2 MiB tmpfs under a 1 GiB quota) refuses with QUOTA_EXCEEDED, keeps the counter exact, and recovers', async (t) => {
  const mnt = tmp('tmpfs');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt], { encoding: 'utf8' });
  t.is(r.status, 0, `mount tmpfs (the test needs root): ${r.stderr}`);
  t.teardown(() => void spawnSync('umount', ['-l', mnt]));
  const srv = await startServer({ quotaBytes: 1024 ** 3 }, join(mnt, 'data'));
  const c = await client(srv);
  const data = randomBytes(3 * MiB);
  const { wire } = await raw(srv);
  t.like(await begin(wire, 'big.bin', data), { ok: true });
  await sendBytes(wire, data, 0, data.length).catch(() => {});
  const refusal = json(await wire.next());
  t.like(refusal, { ok: false, code: 'QUOTA_EXCEEDED' });
  t.regex(String(refusal.message), /disk is full/);
  const [p] = (await c.partials()).partials;
  t.true(p!.held > 0 && p!.held < data.length && p!.held % CHUNK_BYTES === 0, `held ${p!.held}: only whole chunks that were written`);
  t.is(await c.rmPartial(p!.uploadId), data.length + ENTRY_BYTES);
  t.like(srv.store.usage(), { reservedBytes: 0, usedBytes: 0, pending: 0 });
  const small = randomBytes(MiB);
  t.is((await c.put(localFile(small), 'small.bin')).sha256, sha(small), 'the room is back');
  t.deepEqual(counted(srv), await freshUsage(srv));
  c.close();
  wire.abort();
});

test('a writer that went silent without closing its stream is taken over after writerIdleMs; its next chunk is refused', async (t) => {
  const srv = await startServer({ quotaBytes: 64 * MiB, writerIdleMs: 60_000 });
  const data = randomBytes(2 * MiB);
  const stalled = await raw(srv);
  t.like(await begin(stalled.wire, 'doc.bin', data), { ok: true });
  await sendBytes(stalled.wire, data, 0, MiB);
  await until(() => srv.store.partials.list().find((p) => p.held === MiB), 5000, 'a MiB held');
  const next = await raw(srv);
  srv.clock.now += 59_000;
  t.like(await begin(next.wire, 'doc.bin', data), { ok: false, code: 'FS_BUSY' }, 'not yet: 59 s of silence');
  t.is(await code((await client(srv)).rmPartial(srv.store.partials.list()[0]!.uploadId)), 'FS_BUSY');
  srv.clock.now += 2_000;
  t.like(await begin(next.wire, 'doc.bin', data), { ok: true, offset: MiB }, 'after 61 s the path is taken over, bytes and all');
  await stalled.wire.send(chunkFrame(MiB, data.subarray(MiB, MiB + CHUNK_BYTES)));
  t.like(json(await stalled.wire.next()), { ok: false, code: 'FS_BUSY' }, 'the silent writer, back again, is refused');
  await sendBytes(next.wire, data, MiB, data.length);
  await next.wire.send(jsonFrame({ op: 'commit' }));
  t.like(await next.wire.reply(), { sha256: sha(data) });
  t.is(sha(readFileSync(join(srv.dataDir, 'doc.bin'))), sha(data));
  t.is(srv.store.partials.counters.takenOver, 1);
  t.is(srv.store.writers.size, 0);
  t.like(srv.store.usage(), { reservedBytes: 0, pending: 0 });
});
