import test from 'ava';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { Command } from 'commander';
import { serveFiles } from '../src/apps/builtin/files/serve-files.ts';
import { openFilesStore } from '../src/apps/builtin/files/files-store.ts';
import { realRandom } from '../src/env/real-random.ts';
import { filesClient, type FilesClient } from '../src/apps/builtin/files/files-client.ts';
import { openWire, type FilesWire } from '../src/apps/builtin/files/files-wire.ts';
import { chunkFrame, jsonFrame, CHUNK_BYTES, type Frame } from '../src/apps/builtin/files/files-protocol.ts';
import { FILES_PORT } from '../src/apps/builtin/files/files-port.ts';
import { readFilesConfig } from '../src/apps/builtin/files/files-config.ts';
import { addFsCommands } from '../src/cli/cmd-fs.ts';
import { startNodePair } from './helpers/app-fixtures.ts';
import { until } from './helpers/cli.ts';
import { tempDir } from './helpers/temp-dirs.ts';

// A files server on a real local TCP socket, serving a fresh temporary data directory.
interface Srv { dataDir: string; port: number; refused: Record<string, number>; server: Server; sockets: Socket[] }
const servers: Srv[] = [];
const clientSockets: Socket[] = [];
test.after.always(() => {
  for (const s of [...clientSockets, ...servers.flatMap((x) => x.sockets)]) s.destroy();
  for (const s of servers) s.server.close();
});

const tmp = (label: string): string => tempDir(`files-${label}-`);
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const fileSha = (f: string): string => sha(readFileSync(f));

const startServer = async (quotaBytes = 1024 ** 3): Promise<Srv> => {
  const dataDir = join(tmp('home'), 'data');
  const store = await openFilesStore({ dataDir, quotaBytes, wallMs: () => Date.now(), random: realRandom() });
  const refused = store.refused;
  const sockets: Socket[] = [];
  const server = createServer({ allowHalfOpen: true }, (s) => { sockets.push(s); serveFiles(s, store); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const srv = { dataDir, port: (server.address() as { port: number }).port, refused, server, sockets };
  servers.push(srv);
  return srv;
};

const dial = async (srv: Srv): Promise<Socket> => {
  const sock = connect({ port: srv.port, host: '127.0.0.1', allowHalfOpen: true });
  await once(sock, 'connect');
  clientSockets.push(sock);
  return sock;
};
/** The server ended its side (our sockets are half-open, so 'close' waits for us too). */
const ended = (sock: Socket): Promise<unknown> => Promise.race([once(sock, 'end'), once(sock, 'close')]);
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

test('every operation: mkdir, put, list, stat, read a range, get, delete; errors are coded replies', async (t) => {
  const srv = await startServer();
  const c = await client(srv);
  await c.mkdir('docs');
  t.is(await code(c.mkdir('docs')), 'FS_EXISTS');
  await c.mkdir('deep/er/dir', { parents: true });
  await c.mkdir('deep/er', { parents: true }); // -p on an existing directory is fine
  const body = Buffer.from('hello, files\n'.repeat(1000));
  const put = await c.put(localFile(body), 'docs/a.txt');
  t.deepEqual({ size: put.size, sha256: put.sha256, resumedAt: put.resumedAt }, { size: body.length, sha256: sha(body), resumedAt: 0 });
  t.true(readFileSync(join(srv.dataDir, 'docs', 'a.txt')).equals(body));
  const root = await c.list('');
  t.deepEqual(root.map((r) => [r.name, r.type]), [['deep', 'dir'], ['docs', 'dir']], 'the staging directory is not listed');
  const [a] = await c.list('docs');
  t.like(a, { name: 'a.txt', type: 'file', size: body.length, sha256: sha(body) });
  t.true(Math.abs(a!.mtimeMs - statSync(join(srv.dataDir, 'docs', 'a.txt')).mtimeMs) < 1000);
  t.like(await c.stat('docs/a.txt'), { name: 'a.txt', type: 'file', sha256: sha(body) });
  t.like(await c.stat('docs'), { name: 'docs', type: 'dir' });
  t.is(await code(c.stat('docs/nope.txt')), 'FS_NOT_FOUND');
  t.is(await code(c.list('docs/a.txt')), 'BAD_REQUEST');
  const out = join(tmp('get'), 'a.txt');
  t.is((await c.get('docs/a.txt', out)).sha256, sha(body));
  t.true(readFileSync(out).equals(body));
  t.false(existsSync(`${out}.part`));
  t.is(await code(c.get('docs', join(tmp('get'), 'x'))), 'BAD_REQUEST', 'a directory cannot be read as a file');
  t.is(await code(c.put(localFile(body), 'missing-dir/a.txt')), 'FS_NOT_FOUND');
  t.is(await code(c.put(localFile(body), 'docs')), 'FS_EXISTS', 'a file cannot replace a directory');
  // A range, on the raw protocol: one reply, then exactly `length` bytes in checksummed chunks.
  const { wire } = await raw(srv);
  await wire.send(jsonFrame({ op: 'read', path: 'docs/a.txt', offset: 7, length: 5 }));
  t.like(await wire.reply(), { size: body.length, offset: 7, length: 5 });
  const range = await wire.next();
  t.true(range.kind === 'chunk' && range.offset === 7 && range.bytes.toString() === 'files');
  t.is(await code(c.rm('deep')), 'BAD_REQUEST', 'a directory that is not empty needs recursive');
  await c.rm('deep', { recursive: true });
  await c.rm('docs/a.txt');
  await c.rm('docs');
  t.deepEqual(await c.list(''), []);
  t.is(await code(c.rm('docs')), 'FS_NOT_FOUND');
  t.is(await code(c.rm('')), 'BAD_REQUEST', 'the data directory itself cannot be deleted');
  c.close();
});

test.serial('a 20 MB file put then got is byte-exact (equal SHA-256)', async (t) => {
  const srv = await startServer();
  const c = await client(srv);
  const data = randomBytes(20 * 1024 * 1024);
  const src = localFile(data);
  let t0 = performance.now();
  const put = await c.put(src, 'big.bin');
  const putMs = performance.now() - t0;
  t.is(put.sent, data.length);
  t.is(fileSha(join(srv.dataDir, 'big.bin')), sha(data));
  const out = join(tmp('get'), 'big.bin');
  const seen: number[] = [];
  t0 = performance.now();
  const got = await c.get('big.bin', out, (done) => seen.push(done));
  const getMs = performance.now() - t0;
  t.is(got.sha256, sha(data));
  t.is(fileSha(out), sha(data));
  t.is(seen.at(-1), data.length);
  t.true(seen.length > data.length / CHUNK_BYTES, 'progress is reported per chunk');
  t.log(`loopback TCP: put ${(20.97 / (putMs / 1000)).toFixed(0)} MB/s, get ${(20.97 / (getMs / 1000)).toFixed(0)} MB/s (hashing included)`);
  c.close();
});

test('a put cut off mid-way resumes: the second run sends only the rest and the file is exact', async (t) => {
  const srv = await startServer();
  const data = randomBytes(20 * 1024 * 1024);
  const src = localFile(data);
  const first = await dial(srv);
  let cut = false;
  const err = await code(filesClient(first).put(src, 'big.bin', (done) => {
    if (!cut && done >= 8 * 1024 * 1024) { cut = true; first.destroy(); }
  }));
  t.is(err, 'reset');
  t.false(existsSync(join(srv.dataDir, 'big.bin')), 'nothing half-written under the real name');
  await until(() => srv.sockets[0]!.closed || undefined, 5000, 'the server saw the cut');
  const c = await client(srv);
  const again = await c.put(src, 'big.bin');
  t.true(again.resumedAt > 0 && again.sent < data.length, `resumed at ${again.resumedAt}, sent ${again.sent}`);
  t.is(again.resumedAt + again.sent, data.length);
  t.is(fileSha(join(srv.dataDir, 'big.bin')), sha(data));
  t.deepEqual(readdirSync(join(srv.dataDir, '.skywire-files', 'partial')), [], 'the partial became the file');
  c.close();
});

test('a chunk with a bad checksum is refused (FS_CHECKSUM), the stream goes on, nothing is stored', async (t) => {
  const srv = await startServer();
  const { wire } = await raw(srv);
  const bytes = randomBytes(1000);
  await wire.send(jsonFrame({ op: 'begin', path: 'x.bin', size: bytes.length, sha256: sha(bytes) }));
  t.like(await wire.reply(), { offset: 0 });
  await wire.send(chunkFrame(0, bytes, 12345));
  await wire.send(jsonFrame({ op: 'commit' })); // skipped: the upload already has its answer
  t.like(json(await wire.next()), { ok: false, code: 'FS_CHECKSUM' });
  await wire.send(jsonFrame({ op: 'list', path: '' }));
  t.deepEqual((await wire.reply()).entries, []);
  t.is(srv.refused.FS_CHECKSUM, 1);
  // The whole-file check too: chunks that are each fine but are not the declared content.
  await wire.send(jsonFrame({ op: 'begin', path: 'x.bin', size: bytes.length, sha256: sha(Buffer.from('other')) }));
  await wire.reply();
  await wire.send(chunkFrame(0, bytes));
  await wire.send(jsonFrame({ op: 'commit' }));
  t.like(json(await wire.next()), { ok: false, code: 'FS_CHECKSUM' });
  t.false(existsSync(join(srv.dataDir, 'x.bin')));
});

test('overwrite is atomic: the old file stays readable during an upload and intact after an aborted or failed one', async (t) => {
  const srv = await startServer();
  const c = await client(srv);
  const oldData = randomBytes(1024 * 1024);
  const newData = randomBytes(2 * 1024 * 1024);
  await c.put(localFile(oldData), 'doc.bin');
  const readBack = async (): Promise<string> => (await c.get('doc.bin', join(tmp('get'), 'doc.bin'))).sha256;
  const { sock, wire } = await raw(srv);
  await wire.send(jsonFrame({ op: 'begin', path: 'doc.bin', size: newData.length, sha256: sha(newData) }));
  await wire.reply();
  for (let off = 0; off < newData.length / 2; off += CHUNK_BYTES) await wire.send(chunkFrame(off, newData.subarray(off, off + CHUNK_BYTES)));
  const partial = join(srv.dataDir, '.skywire-files', 'partial');
  await until(() => readdirSync(partial).some((n) => statSync(join(partial, n)).size >= newData.length / 2) || undefined, 5000, 'half uploaded');
  t.is(await readBack(), sha(oldData), 'half of the new file has arrived; readers still get the old one');
  sock.destroy();
  t.is(await readBack(), sha(oldData), 'the aborted upload left the old file intact');
  const bad = await raw(srv);
  await bad.wire.send(jsonFrame({ op: 'begin', path: 'doc.bin', size: newData.length, sha256: sha(oldData) }));
  await bad.wire.reply();
  for (let off = 0; off < newData.length; off += CHUNK_BYTES) await bad.wire.send(chunkFrame(off, newData.subarray(off, off + CHUNK_BYTES)));
  await bad.wire.send(jsonFrame({ op: 'commit' }));
  t.like(json(await bad.wire.next()), { code: 'FS_CHECKSUM' });
  t.is(await readBack(), sha(oldData), 'a failed upload left the old file intact');
  await c.put(localFile(newData), 'doc.bin');
  t.is(await readBack(), sha(newData), 'after commit readers get the new file');
  c.close();
});

test('the quota is reserved at begin for the whole declared size (QUOTA_EXCEEDED), partial uploads included', async (t) => {
  const MB = 1024 * 1024;
  const srv = await startServer(3 * MB);
  const c = await client(srv);
  t.is(await code(c.put(localFile(randomBytes(4 * MB)), 'too-big.bin')), 'QUOTA_EXCEEDED');
  t.deepEqual(await c.list(''), []);
  // Two uploads that each fit but not together: the second is refused at its begin, because the
  // first holds its whole size from its own begin on, before a single byte has arrived.
  const a = randomBytes(2 * MB);
  const b = randomBytes(2 * MB);
  const ra = await raw(srv);
  const rb = await raw(srv);
  await ra.wire.send(jsonFrame({ op: 'begin', path: 'a.bin', size: a.length, sha256: sha(a) }));
  await ra.wire.reply();
  await rb.wire.send(jsonFrame({ op: 'begin', path: 'b.bin', size: b.length, sha256: sha(b) }));
  const refusal = json(await rb.wire.next());
  t.like(refusal, { ok: false, code: 'QUOTA_EXCEEDED' });
  t.regex(String(refusal.message), /quotaBytes/);
  for (let off = 0; off < a.length; off += CHUNK_BYTES) await ra.wire.send(chunkFrame(off, a.subarray(off, off + CHUNK_BYTES)));
  await ra.wire.send(jsonFrame({ op: 'commit' }));
  t.like(await ra.wire.reply(), { size: a.length });
  t.deepEqual((await c.list('')).map((r) => r.name), ['a.bin']);
  t.is(srv.refused.QUOTA_EXCEEDED, 2);
  c.close();
});

test('paths that escape the data directory are refused with PATH_ESCAPE and nothing outside is touched', async (t) => {
  const srv = await startServer();
  const tmpXBefore = existsSync(join(dirname(dirname(srv.dataDir)), 'x'));
  const c = await client(srv);
  await c.mkdir('docs');
  const outside = tmp('outside');
  writeFileSync(join(outside, 'keep.txt'), 'keep');
  symlinkSync('/etc', join(srv.dataDir, 'etc'));
  symlinkSync(outside, join(srv.dataDir, 'out'));
  symlinkSync(join(outside, 'keep.txt'), join(srv.dataDir, 'keep-link'));
  symlinkSync('docs', join(srv.dataDir, 'alias')); // a link that stays inside is fine
  const payload = localFile(Buffer.from('evil'));
  const attempts: [string, Promise<unknown>][] = [
    ['list ../x', c.list('../x')], ['stat /etc/passwd', c.stat('/etc/passwd')], ['put a/../../x', c.put(payload, 'a/../../x')],
    ['put ../x', c.put(payload, '../x')], ['list etc', c.list('etc')], ['get etc/passwd', c.get('etc/passwd', join(tmp('get'), 'p'))],
    ['stat etc/passwd', c.stat('etc/passwd')], ['mkdir etc/new', c.mkdir('etc/new')], ['rm etc/hostname', c.rm('etc/hostname')],
    ['put out/new.txt', c.put(payload, 'out/new.txt')], ['put over out/keep.txt', c.put(payload, 'out/keep.txt')],
    ['rm out/keep.txt', c.rm('out/keep.txt')], ['rm -r out', c.rm('out', { recursive: true })], ['put over keep-link', c.put(payload, 'keep-link')],
    ['get keep-link', c.get('keep-link', join(tmp('get'), 'k'))], ['NUL byte', c.stat('docs/a\0b')],
    ['list staging', c.list('.skywire-files')], ['put into staging', c.put(payload, '.skywire-files/partial/x')],
  ];
  for (const [what, p] of attempts) t.is(await code(p), 'PATH_ESCAPE', what);
  t.deepEqual(readdirSync(outside), ['keep.txt']);
  t.is(readFileSync(join(outside, 'keep.txt'), 'utf8'), 'keep');
  t.false(existsSync(join(dirname(srv.dataDir), 'x')));
  // One level further up is the machine's temp dir, where an x of somebody else's may exist.
  t.is(existsSync(join(dirname(dirname(srv.dataDir)), 'x')), tmpXBefore);
  t.deepEqual((await c.list('')).map((r) => r.name), ['alias', 'docs'], 'links that lead outside are not listed');
  await c.put(payload, 'alias/through-link.txt');
  t.true(existsSync(join(srv.dataDir, 'docs', 'through-link.txt')));
  t.is(srv.refused.PATH_ESCAPE, attempts.length);
  c.close();
});

test('malformed frames end only their own stream: the server keeps serving and counts them', async (t) => {
  const srv = await startServer();
  const closes = async (bytes: Buffer): Promise<boolean> => {
    const sock = await dial(srv);
    sock.on('error', () => {});
    sock.write(bytes);
    sock.resume();
    await ended(sock);
    return true;
  };
  const frame = (kind: number, body: Buffer): Buffer => {
    const head = Buffer.alloc(5);
    head.writeUInt32BE(body.length + 1, 0);
    head[4] = kind;
    return Buffer.concat([head, body]);
  };
  t.true(await closes(Buffer.from([0xff, 0xff, 0xff, 0xff, 1])), 'absurd length');
  t.true(await closes(Buffer.from([0, 0, 0, 0])), 'zero length');
  t.true(await closes(frame(9, Buffer.from('?'))), 'unknown kind');
  t.true(await closes(frame(1, Buffer.from('{not json'))), 'bad JSON');
  t.true(await closes(frame(1, Buffer.from('[1,2]'))), 'JSON that is not an object');
  t.true(await closes(chunkFrame(0, Buffer.from('stray'))), 'a chunk outside an upload');
  t.is(srv.refused.malformed, 6);
  // Random garbage, many times over.
  for (let i = 0; i < 40; i++) {
    const sock = await dial(srv);
    sock.on('error', () => {});
    sock.end(randomBytes(1 + (i * 37) % 300));
    sock.resume();
    await ended(sock);
  }
  // Well-framed but wrong requests are answered, and the stream goes on.
  const { wire } = await raw(srv);
  for (const bad of [{ op: 'frobnicate' }, { op: 'list', path: 5 }, { op: 'begin', path: 'a', size: -1, sha256: 'x' }, { op: 'commit' }]) {
    await wire.send(jsonFrame(bad));
    t.like(json(await wire.next()), { ok: false, code: 'BAD_REQUEST' }, JSON.stringify(bad));
  }
  const c = await client(srv);
  await c.mkdir('still-alive');
  t.deepEqual((await c.list('')).map((r) => r.name), ['still-alive']);
  c.close();
});

test('config/files.json: default quota when absent, a clear error when wrong', (t) => {
  const dir = tmp('config');
  t.deepEqual(readFilesConfig(dir), { quotaBytes: 1024 ** 3, maxEntries: 100_000, maxPendingUploads: 64, partialExpiryHours: 24 });
  writeFileSync(join(dir, 'files.json'), JSON.stringify({ quotaBytes: 5000 }));
  t.is(readFilesConfig(dir).quotaBytes, 5000);
  writeFileSync(join(dir, 'files.json'), JSON.stringify({ maxEntries: 10, maxPendingUploads: 2, partialExpiryHours: 0.5 }));
  t.like(readFilesConfig(dir), { quotaBytes: 1024 ** 3, maxEntries: 10, maxPendingUploads: 2, partialExpiryHours: 0.5 });
  writeFileSync(join(dir, 'files.json'), JSON.stringify({ maxPendingUploads: 0 }));
  t.throws(() => readFilesConfig(dir), { code: 'APP_INVALID', message: /maxPendingUploads/ } as never);
  writeFileSync(join(dir, 'files.json'), JSON.stringify({ quotaBytes: 'lots' }));
  t.throws(() => readFilesConfig(dir), { code: 'APP_INVALID', message: /quotaBytes/ } as never);
  writeFileSync(join(dir, 'files.json'), '{');
  t.throws(() => readFilesConfig(dir), { code: 'APP_INVALID', message: /not JSON/ } as never);
});

/** Runs `skywire fs ...` through the real command definitions; returns what it printed. */
const skywireFs = async (...args: string[]): Promise<string> => {
  const program = new Command('skywire').exitOverride();
  addFsCommands(program);
  const write = process.stdout.write.bind(process.stdout);
  let printed = '';
  process.stdout.write = ((chunk: string) => { printed += chunk; return true; }) as typeof process.stdout.write;
  try {
    await program.parseAsync(['fs', ...args], { from: 'user' });
  } finally {
    process.stdout.write = write;
  }
  return printed;
};

test.serial('skywire fs put, ls, get, rm between two real nodes over the overlay', async (t) => {
  const { a, b, stop } = await startNodePair();
  t.teardown(stop);
  const dataDir = join(tmp('node-b'), 'data');
  const store = await openFilesStore({ dataDir, quotaBytes: 1024 ** 3, wallMs: () => Date.now(), random: realRandom() });
  b.running.overlay.listen(FILES_PORT, 'fleet', (s) => serveFiles(s, store));
  const B = b.address;
  const data = randomBytes(4 * 1024 * 1024);
  const src = localFile(data, 'payload.bin');
  const home = ['--home', a.home];
  await skywireFs('mkdir', `${B}:/docs`, ...home);
  const t0 = performance.now();
  const put = JSON.parse(await skywireFs('put', src, `${B}:/docs`, ...home, '--json')) as { remote: string; sent: number; sha256: string };
  const putS = (performance.now() - t0) / 1000;
  t.like(put, { remote: `${B}:/docs/payload.bin`, sent: data.length, sha256: sha(data) });
  t.is(fileSha(join(dataDir, 'docs', 'payload.bin')), sha(data));
  const ls = await skywireFs('ls', `${B}:/docs`, ...home);
  t.regex(ls, new RegExp(`^- +${data.length} +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d +payload\\.bin\\n$`));
  const listed = JSON.parse(await skywireFs('ls', `${B}:/`, ...home, '--json')) as { name: string; type: string }[];
  t.deepEqual(listed.map((r) => [r.name, r.type]), [['docs', 'dir']]);
  const out = join(tmp('got'), 'copy.bin');
  const t1 = performance.now();
  const got = JSON.parse(await skywireFs('get', `${B}:/docs/payload.bin`, out, ...home, '--json')) as { sha256: string };
  const getS = (performance.now() - t1) / 1000;
  t.is(got.sha256, sha(data));
  t.true(readFileSync(out).equals(data));
  t.is(await code(skywireFs('get', `${B}:/docs/missing.bin`, out, ...home)), 'FS_NOT_FOUND');
  t.is(await code(skywireFs('ls', `${B}:/../../etc`, ...home)), 'PATH_ESCAPE');
  t.is(await code(skywireFs('ls', 'not-an-address:/x', ...home)), 'UNKNOWN_NODE');
  t.is(await code(skywireFs('rm', `${B}:/docs`, ...home)), 'BAD_REQUEST', 'not empty without -r');
  await skywireFs('rm', `${B}:/docs`, '-r', ...home);
  t.deepEqual(readdirSync(dataDir).filter((n) => !n.startsWith('.')), []);
  // An upload cut off half-way (here over loopback TCP to the same store) is listed by the CLI,
  // counted in the usage line, and removed with rm-partial.
  const tcp = createServer({ allowHalfOpen: true }, (s) => serveFiles(s, store));
  t.teardown(() => { tcp.close(); });
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', () => r()));
  const sock = connect({ port: (tcp.address() as { port: number }).port, host: '127.0.0.1' });
  await once(sock, 'connect');
  const wire = openWire(sock);
  await wire.send(jsonFrame({ op: 'begin', path: 'half.bin', size: data.length, sha256: sha(data) }));
  const id = String((await wire.reply()).uploadId);
  await wire.send(chunkFrame(0, data.subarray(0, CHUNK_BYTES)));
  await until(() => store.partials.list().find((p) => p.held === CHUNK_BYTES), 5000, 'one chunk held');
  sock.destroy();
  await until(() => store.partials.list().find((p) => !p.active), 5000, 'the partial is idle');
  const lines = (await skywireFs('partials', B, ...home)).trimEnd().split('\n');
  t.regex(lines[0]!, new RegExp(`^used ${data.length + 4096} of ${1024 ** 3} bytes \\(${data.length + 4096} held by 1 partial uploads\\), 0 of 100000 entries`));
  t.regex(lines[1]!, new RegExp(`^${id} +${CHUNK_BYTES}/${data.length} +idle 0\\.0 h +half\\.bin$`));
  const listed2 = JSON.parse(await skywireFs('partials', `${B}:/`, ...home, '--json')) as { partials: { uploadId: string }[] };
  t.deepEqual(listed2.partials.map((p) => p.uploadId), [id]);
  t.deepEqual(JSON.parse(await skywireFs('rm-partial', B, id, ...home, '--json')), { removed: id, freedBytes: data.length + 4096 });
  t.is(await code(skywireFs('rm-partial', B, id, ...home)), 'FS_NOT_FOUND');
  t.deepEqual(store.partials.list(), []);
  t.log(`overlay (2 nodes, loopback UDP, via the control socket): put ${(4.19 / putS).toFixed(1)} MB/s, get ${(4.19 / getS).toFixed(1)} MB/s`);
});
