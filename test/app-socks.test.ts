import test from 'ava';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { createServer as createHttp, type Server as HttpServer } from 'node:http';
import { connect, createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { serveSocks, SocksCounts, type SocksOptions } from '../src/apps/builtin/socks/serve-socks.ts';
import { SOCKS_PORT } from '../src/apps/builtin/socks/socks-port.ts';
import { parseExitPolicy } from '../src/apps/exit-policy.ts';
import { exitConnector } from '../src/env/tcp-exit.ts';
import { SkywireError } from '../src/errors.ts';
import { controlRequest } from '../src/env/control-client.ts';
import { createIdentity } from '../src/identity/key-file.ts';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { runNode, type RunningNode } from '../src/cli/run-node.ts';
import { listenSocks, startSocksClient } from '../src/cli/socks-client.ts';
import { addSocksCommand } from '../src/cli/cmd-socks.ts';
import { Command } from 'commander';
import { tmpHome, until } from './helpers/cli.ts';

const BIG = randomBytes(5 * 1024 * 1024);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
let http: HttpServer;
let H = 0; // the HTTP server's port
let hits = 0;
const closers: (() => unknown)[] = [];

test.before(async () => {
  http = createHttp((req, res) => {
    hits++;
    if (req.url === '/big') return void res.end(BIG);
    const h = createHash('sha256'); // /upload answers with the hash of what it received
    req.on('data', (c: Buffer) => h.update(c));
    req.on('end', () => res.end(req.url === '/upload' ? h.digest('hex') : 'hello'));
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  H = (http.address() as { port: number }).port;
});
test.after.always(async () => {
  for (const c of closers.reverse()) await c();
  http?.close();
});

/** serveSocks behind a plain local TCP listener, as the overlay would put it behind a port. */
const socksOn = async (config: unknown, extra: Partial<SocksOptions> = {}): Promise<{ port: number; counts: SocksCounts }> => {
  const policy = parseExitPolicy(config);
  const counts = new SocksCounts();
  const server: Server = createServer({ allowHalfOpen: true }, (s) => void serveSocks(s, { auth: policy.auth, counts, connect: exitConnector(policy), ...extra }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  closers.push(() => server.close());
  return { port: (server.address() as { port: number }).port, counts };
};

const curl = (...args: string[]): Promise<{ code: number; out: Buffer; err: string }> => new Promise((resolve) => {
  execFile('curl', ['-sS', '--max-time', '30', ...args], { encoding: 'buffer', maxBuffer: 64 << 20 }, (e, out, err) =>
    resolve({ code: e ? Number((e as { code?: number }).code ?? -1) : 0, out, err: err.toString() }));
});

/** Sends `parts` (one write each, pausing between), returns everything until the server closes. */
const raw = (port: number, parts: Buffer[], gapMs = 0): Promise<Buffer> => new Promise((resolve) => {
  const got: Buffer[] = [];
  const s = connect({ port, host: '127.0.0.1' });
  s.setNoDelay(true);
  s.on('data', (c: Buffer) => got.push(c));
  s.on('close', () => resolve(Buffer.concat(got)));
  s.on('error', () => undefined);
  s.on('connect', async () => {
    for (const p of parts) {
      s.write(p);
      if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
    }
  });
});
const hello = Buffer.from([5, 1, 0]);
const reqV4 = (ip: string, port: number, cmd = 1): Buffer => Buffer.from([5, cmd, 0, 1, ...ip.split('.').map(Number), port >> 8, port & 255]);
const reqName = (name: string, port: number): Buffer => Buffer.concat([Buffer.from([5, 1, 0, 3, name.length]), Buffer.from(name), Buffer.from([port >> 8, port & 255])]);
/** The REP byte of the server's reply to a request sent after a no-auth greeting. */
const replyTo = async (port: number, req: Buffer): Promise<number | undefined> => (await raw(port, [hello, req]))[3];

test.serial('a 5 MB download and a 2 MB upload pass intact; names are resolved at the exit (socks5h)', async (t) => {
  const { port, counts } = await socksOn({ allow: [`127.0.0.1:${H}`, `[::1]:${H}`] });
  const down = await curl('--socks5', `127.0.0.1:${port}`, `http://127.0.0.1:${H}/big`);
  t.is(down.code, 0, down.err);
  t.is(sha(down.out), sha(BIG));
  const byName = await curl('--socks5-hostname', `127.0.0.1:${port}`, `http://localhost:${H}/big`);
  t.is(byName.code, 0, byName.err);
  t.is(sha(byName.out), sha(BIG));
  const file = join(tmpHome('socks-up'), 'up.bin');
  const up = randomBytes(2 * 1024 * 1024);
  writeFileSync(file, up);
  const posted = await curl('--socks5-hostname', `127.0.0.1:${port}`, '--data-binary', `@${file}`, `http://localhost:${H}/upload`);
  t.is(posted.out.toString(), sha(up), posted.err);
  t.is(counts.total, 0);
});

test.serial('username/password: right credentials pass; a wrong password or none is refused and counted', async (t) => {
  const { port, counts } = await socksOn({ allow: [`127.0.0.1:${H}`], auth: { username: 'alice', password: 's3cret' } });
  const ok = await curl('--socks5', `127.0.0.1:${port}`, '--proxy-user', 'alice:s3cret', `http://127.0.0.1:${H}/small`);
  t.is(ok.out.toString(), 'hello', ok.err);
  const before = hits;
  const wrong = await curl('--socks5', `127.0.0.1:${port}`, '--proxy-user', 'alice:guess', `http://127.0.0.1:${H}/small`);
  t.is(wrong.code, 97, 'curl: proxy handshake failed');
  t.regex(wrong.err, /rejected|authentication/i);
  const none = await curl('--socks5', `127.0.0.1:${port}`, `http://127.0.0.1:${H}/small`);
  t.is(none.code, 97);
  t.is(hits, before, 'the destination was never reached');
  t.deepEqual(counts.snapshot(), { total: 2, byReason: { 'auth-failed': 1, 'no-method': 1 } });
  // The raw exchange: method 2 chosen, then RFC 1929 status 1 and the connection closed.
  const r = await raw(port, [Buffer.from([5, 1, 2]), Buffer.from([1, 5, ...Buffer.from('alice'), 3, ...Buffer.from('bad')])]);
  t.deepEqual([...r], [5, 2, 1, 1]);
});

test.serial('the default policy denies loopback with reply 2 and never connects', async (t) => {
  const { port, counts } = await socksOn({});
  const before = hits;
  const c = await curl('--socks5', `127.0.0.1:${port}`, `http://127.0.0.1:${H}/small`);
  t.is(c.code, 97);
  t.regex(c.err, /not allowed|\(2\)/i);
  t.is(await replyTo(port, reqV4('127.0.0.1', H)), 0x02);
  t.is(await replyTo(port, reqName('127.0.0.1', H)), 0x02, 'an IP literal sent as a name is checked too');
  t.is(hits, before);
  t.is(counts.byReason.policy, 3);
});

test.serial('a name that resolves to a denied address is refused although the name looks harmless', async (t) => {
  const { port } = await socksOn({ allow: ['127.0.0.2:*'] });
  t.is(await replyTo(port, reqName('localhost', H)), 0x02);
  const c = await curl('--socks5-hostname', `127.0.0.1:${port}`, `http://localhost:${H}/small`);
  t.is(c.code, 97, c.err);
});

test.serial('refused port 5, unknown host 4, BIND and UDP ASSOCIATE 7, bad address type 8', async (t) => {
  const { port, counts } = await socksOn({ allow: ['127.0.0.1:*'] });
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
  const dead = (closed.address() as { port: number }).port;
  await new Promise((r) => closed.close(r));
  t.is(await replyTo(port, reqV4('127.0.0.1', dead)), 0x05);
  t.is(await replyTo(port, reqName('nonexistent.invalid', 80)), 0x04);
  const c = await curl('--socks5-hostname', `127.0.0.1:${port}`, 'http://nonexistent.invalid/');
  t.is(c.code, 97, c.err);
  t.is(await replyTo(port, reqV4('127.0.0.1', H, 2)), 0x07);
  t.is(await replyTo(port, reqV4('127.0.0.1', H, 3)), 0x07);
  t.is(await replyTo(port, Buffer.from([5, 1, 0, 9, 1, 2, 3, 4, 0, 80])), 0x08);
  t.like(counts.byReason, { 'connect-failed': 3, unsupported: 3 });
});

test.serial('each connector error code maps to its RFC 1928 reply', async (t) => {
  const cases: [unknown, number][] = [
    [new SkywireError('SOCKS_POLICY', 'x'), 2], [new SkywireError('APP_DENIED', 'x'), 2],
    [new SkywireError('unreachable', 'x', { cause: Object.assign(new Error(), { code: 'ENETUNREACH' }) }), 3],
    [new SkywireError('unreachable', 'x'), 4], [new SkywireError('refused', 'x'), 5], [new SkywireError('timeout', 'x'), 6],
    [new SkywireError('reset', 'x'), 1], [new Error('no code'), 1], ['not even an error', 1],
  ];
  for (const [err, want] of cases) {
    const { port } = await socksOn({}, { connect: () => Promise.reject(err) });
    t.is(await replyTo(port, reqV4('8.8.8.8', 53)), want, String((err as { code?: string }).code ?? err));
  }
});

test.serial('a handshake split into single bytes, or sent in one piece with the payload, still works', async (t) => {
  const { port } = await socksOn({ allow: [`127.0.0.1:${H}`] });
  const get = Buffer.from(`GET /small HTTP/1.0\r\nHost: x\r\n\r\n`);
  const msg = Buffer.concat([hello, reqName('127.0.0.1', H), get]);
  const split = await raw(port, [...msg].map((b) => Buffer.from([b])), 2);
  t.deepEqual([...split.subarray(0, 3)], [5, 0, 5]);
  t.is(split[3], 0, 'success');
  t.regex(split.subarray(12).toString(), /^HTTP\/1\.[01] 200[\s\S]*hello$/);
  const whole = await raw(port, [msg]);
  t.regex(whole.subarray(12).toString(), /^HTTP\/1\.[01] 200[\s\S]*hello$/);
});

test.serial('malformed input closes the stream without a crash and is counted', async (t) => {
  const { port, counts } = await socksOn({ allow: ['127.0.0.1:*'] });
  t.is((await raw(port, [Buffer.from([4, 1, 0, 80, 127, 0, 0, 1, 0])])).length, 0, 'SOCKS4 greeting');
  t.is((await raw(port, [Buffer.from('GET / HTTP/1.1\r\n\r\n')])).length, 0, 'HTTP to the SOCKS port');
  t.is(await replyTo(port, Buffer.from([4, 1, 0, 1, 127, 0, 0, 1, 0, 80])), 0x01, 'bad request version');
  t.is(await replyTo(port, Buffer.from([5, 1, 0, 3, 3, 0x61, 0x00, 0x62, 0, 80])), 0x04, 'NUL in a name');
  t.deepEqual([...(await raw(port, [Buffer.from([5, 1, 2])]))], [5, 0xff], 'only username/password offered');
  t.like(counts.byReason, { malformed: 4, 'no-method': 1 });
});

test.serial('half-close passes both ways: the client\'s FIN reaches the destination, which still answers', async (t) => {
  // Counts what it got until the client's FIN, then answers with the count and ends.
  const fin = createServer({ allowHalfOpen: true }, (s) => {
    let n = 0;
    s.on('data', (c: Buffer) => { n += c.length; });
    s.on('end', () => s.end(`got ${n}`));
  });
  await new Promise<void>((r) => fin.listen(0, '127.0.0.1', () => r()));
  closers.push(() => fin.close());
  const fport = (fin.address() as { port: number }).port;
  const { port } = await socksOn({ allow: [`127.0.0.1:${fport}`] });
  const answer = await new Promise<string>((resolve) => {
    const s = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const got: Buffer[] = [];
    s.on('data', (c: Buffer) => got.push(c));
    s.on('end', () => resolve(Buffer.concat(got).subarray(12).toString()));
    setTimeout(() => resolve('no answer within 10 s'), 10_000).unref();
    s.on('connect', () => s.end(Buffer.concat([hello, reqV4('127.0.0.1', fport), Buffer.alloc(100_000, 7)])));
  });
  t.is(answer, 'got 100000');
});

/** A free UDP port on loopback (released again at once: small race, fine for a test). */
const freeUdp = async (): Promise<number> => {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const p = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
};

test.serial('end to end: skywire socks on node A, the exit on node B, curl through both', async (t) => {
  const quiet = { info: () => undefined, warn: () => undefined };
  const spec = await Promise.all(['a', 'b'].map(async (n) => {
    const home = tmpHome(`socks-${n}`);
    return { home, address: createIdentity(nodeSuite(), home, new Uint8Array(randomBytes(32))).address, port: await freeUdp() };
  }));
  const [a, b] = spec as [typeof spec[0], typeof spec[0]];
  for (const [me, other] of [[a, b], [b, a]] as const) {
    writeFileSync(join(me.home, 'config.json'), JSON.stringify({ version: 1, listen: `127.0.0.1:${me.port}`, peers: [`${other.address}@127.0.0.1:${other.port}`], link: { keepaliveMs: 500, deadAfterMs: 2000 } }));
  }
  const nodes: RunningNode[] = [];
  closers.push(() => Promise.all(nodes.map((n) => n.stop('test done'))));
  for (const n of [a, b]) nodes.push(await runNode({ home: n.home, peer: [] }, quiet));
  const exit = nodes[1]!;
  const policy = parseExitPolicy({ allow: [`127.0.0.1:${H}`, `[::1]:${H}`] });
  const seen: Duplex[] = [];
  exit.overlay.listen(SOCKS_PORT, 'fleet', (s) => { seen.push(s); void serveSocks(s, { connect: exitConnector(policy) }); });
  await until(async () => ((await controlRequest(a.home, { cmd: 'route', address: b.address }, 15_000)) as { state: string }).state === 'established' || undefined, 30_000, 'route a->b');
  const logs: string[] = [];
  const client = await startSocksClient({ home: a.home, exit: b.address, listen: '127.0.0.1:0', log: (l) => logs.push(l) });
  closers.push(() => client.close());
  const down = await curl('--socks5-hostname', `127.0.0.1:${client.port}`, `http://localhost:${H}/big`);
  t.is(down.code, 0, down.err);
  t.is(sha(down.out), sha(BIG));
  const denied = await curl('--socks5-hostname', `127.0.0.1:${client.port}`, `http://localhost:${H + 1}/`);
  t.is(denied.code, 97, 'the exit\'s policy answers end to end');
  // The client says which CONNECT the exit refused, with the reply code and the exit's reason.
  const said = await until(() => logs.find((l) => l.includes('refused CONNECT')), 5_000, 'refusal logged');
  t.regex(said, new RegExp(`^the exit \\S+ refused CONNECT localhost:${H + 1}: SOCKS reply 2 \\(not allowed by the exit's policy\\): refused: "localhost" resolves to (127\\.0\\.0\\.1|::1)`));
  t.false(denied.err.includes('skywire:'), 'the reason line never reaches the SOCKS client');
  t.is(seen.length, 2, 'each client connection was one overlay stream to the exit');
  const cli = new Command().exitOverride();
  addSocksCommand(cli);
  const lan = await cli.parseAsync(['socks', '--exit', b.address, '--listen', '0.0.0.0:0', '--home', a.home], { from: 'user' }).catch((e: SkywireError) => e);
  t.is((lan as SkywireError).code, 'BAD_LISTEN', 'a non-loopback listener needs --allow-lan');
  const allowed = await startSocksClient({ home: a.home, exit: b.address, listen: '0.0.0.0:0', allowLan: true });
  t.true(allowed.port > 0);
  await allowed.close();
  // The listener lives in node A: when A stops, the client hears of it and the port is free.
  await nodes[0]!.stop('test done');
  await until(async () => (await Promise.race([client.closed.then(() => true as const), new Promise<undefined>((r) => setTimeout(() => r(undefined), 100))])), 10_000, 'the client closed with its node');
  // Asked by binding the port ourselves: curl only saw a refused connect when the listener's
  // close happened to come first (CI caught curl's 97, a listener still there after stop).
  const free = await new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(client.port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
  t.true(free, 'nothing listens once the node is gone: its port can be bound again');
});

test('the proxy listener holds a bounded number of connections: 10,000 more are closed at once, counted, and said in the log only now and then', async (t) => {
  const logs: string[] = [];
  const l = await listenSocks({ listen: '127.0.0.1:0', exitName: 'x', open: () => new Promise<Duplex>(() => undefined), log: (line) => logs.push(line), maxConnections: 16 });
  t.teardown(() => l.close());
  const connectOnce = (): Promise<Socket> => new Promise((resolve, reject) => {
    const c = createConnection({ port: l.port, host: '127.0.0.1' }, () => resolve(c));
    c.on('error', reject);
  });
  const held = await Promise.all(Array.from({ length: 16 }, connectOnce));
  await until(async () => (held.every((c) => !c.destroyed) ? true : undefined), 5_000, 'held connections open');
  const closedSoon = (c: Socket): Promise<void> => new Promise((resolve) => { c.on('error', () => undefined); if (c.destroyed) resolve(); else c.once('close', () => resolve()); });
  for (let done = 0; done < 10_000; done += 250) {
    await Promise.all(Array.from({ length: 250 }, () => connectOnce().then(closedSoon, () => undefined)));
  }
  await until(async () => (l.refused >= 10_000 ? true : undefined), 10_000, 'all counted');
  t.is(l.refused, 10_000);
  t.true(logs.length <= 11, `said ${logs.length} times`);
  t.regex(logs[0]!, /^1 connection\(s\) refused: 16 are open/);
  for (const c of held) c.destroy();
});
