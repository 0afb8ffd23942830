import test from 'ava';
import { createConnection, createServer, type Server } from 'node:net';
import type { Duplex } from 'node:stream';
import { createHash, randomBytes } from 'node:crypto';
import { firstValueFrom, filter, timeout } from 'rxjs';
import type { ChildProcess } from 'node:child_process';
import { openAppHost, type AppHost } from '../src/apps/app-host.ts';
import { connectApp } from '../src/apps/sdk/index.ts';
import { appPaths } from '../src/apps/app-paths.ts';
import { parseManifest } from '../src/apps/manifest.ts';
import { spawnSandboxed } from '../src/env/sandbox-spawn.ts';
import { tcpConnect } from '../src/env/tcp-connect.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSdk } from '../src/apps/sdk-build.ts';
import { tmpHome, until } from './helpers/cli.ts';
import { collect, sdkBundle, startNodePair, writeApp, type Exited, type TestNode } from './helpers/app-fixtures.ts';

// Two real nodes on loopback UDP; an app in a real bubblewrap sandbox on node B talks to the
// overlay only through the SDK socket, and node A reaches it (and it reaches node A).
const APP = `
import fs from 'node:fs';
import { connectApp } from 'skywire/app';
const sdk = await connectApp();
const peer = JSON.parse(fs.readFileSync(sdk.paths.config + '/peer.json', 'utf8')).address;
const codeOf = (p) => p.then(() => 'ok', (e) => e.code);
const readAll = (s) => new Promise((res, rej) => { const parts = []; s.on('data', (c) => parts.push(c)); s.on('end', () => res(Buffer.concat(parts))); s.on('error', rej); });
// Echo after the peer's FIN, then a trailer, then our FIN: half-close both ways.
await sdk.listen(40, (s, from) => void readAll(s).then((all) => { s.write(all); s.end('|from=' + from.peer); }));
// Port 42 is open to one address that is not node A's; 44 to anyone: the node decides.
await sdk.listen(42, (s) => s.end('must not be reached'));
await sdk.listen(44, (s, from) => s.end(JSON.stringify(from)));
await sdk.onDatagram(41, (d) => void sdk.send(d.peer, 43, Buffer.concat([Buffer.from('echo:'), d.bytes])));
const r = { address: sdk.address };
r.undeclaredListen = await codeOf(sdk.listen(99, () => {}));
r.undeclaredDatagrams = await codeOf(sdk.onDatagram(98, () => {}));
r.tcpConnect = await codeOf(sdk.tcpConnect('example.com', 80));
r.dialRefused = await codeOf(sdk.dial(peer, 51));
const out = await sdk.dial(peer, 50);
out.end('ping from the app');
r.dialOut = (await readAll(out)).toString();
r.sendTooBig = await codeOf(sdk.send(peer, 43, new Uint8Array(66000))); // no frame that big
r.sendOverPath = await codeOf(sdk.send(peer, 43, new Uint8Array(65100))); // a frame, over loopback's path MTU
console.log(JSON.stringify(r));
await sdk.ready();
`;

let a: TestNode;
let b: TestNode;
let stopNodes: () => Promise<void>;
let host: AppHost;
let app: ChildProcess;
let exited: Promise<Exited>;
const listened: number[] = [];
let ready: Promise<void>;
let stdoutText = '';
let stderrText = '';
const reportLine = (): string | undefined => stdoutText.split('\n').find((l) => l.startsWith('{'));

const readAll = (s: Duplex): Promise<Buffer> => new Promise((resolve, reject) => {
  const parts: Buffer[] = [];
  s.on('data', (c: Buffer) => parts.push(c));
  s.on('end', () => resolve(Buffer.concat(parts)));
  s.on('error', reject);
});
const dialFromA = (port: number): Promise<Duplex> => new Promise((resolve, reject) => {
  const s = a.running.overlay.dial(b.address, port);
  s.once('connect', () => resolve(s));
  s.once('error', reject);
});
const sha = (buf: Buffer): string => createHash('sha256').update(buf).digest('hex');
/** The error code a promise rejects with, or 'ok'. */
const codeOf = (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (e: { code?: string }) => e.code ?? String(e));

test.before(async () => {
  ({ a, b, stop: stopNodes } = await startNodePair());
  a.running.overlay.listen(50, 'fleet', (s, from) => void readAll(s).then((got) => s.end(`pong to ${from.peer}: ${got.toString()}`)));
  const { paths, manifest } = writeApp(b.home, { name: 'echo', ports: [40, 41, 42, 44], access: { 42: ['aaaaaaaaaaaaaaaaaaaaaaaaaa'], 44: 'anyone' } }, { 'main.mjs': APP }, { 'peer.json': JSON.stringify({ address: a.address }) });
  let onReady!: () => void;
  ready = new Promise((r) => { onReady = r; });
  host = await openAppHost({ overlay: b.running.overlay, manifest, socketPath: paths.socket, onReady, onListen: (p) => listened.push(p) });
  app = spawnSandboxed({ paths, manifest, sdkFile: await sdkBundle() });
  exited = collect(app, 55_000);
  app.stdout!.on('data', (c: Buffer) => { stdoutText += c.toString(); });
  app.stderr!.on('data', (c: Buffer) => { stderrText += c.toString(); });
});
test.after.always(async () => {
  app?.kill('SIGKILL');
  await host?.close();
  await stopNodes?.();
});

const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no ${what} within ${ms} ms; app stderr: ${stderrText}`)), ms).unref())]);

test.serial('an app in the sandbox listens, dials out, refuses what its manifest does not grant, and reports ready', async (t) => {
  await within(ready, 15_000, 'ready() from the app');
  const out = await until(reportLine, 5000, 'the app\'s report line');
  const r = JSON.parse(out) as Record<string, string>;
  t.is(r.address, b.address, 'the SDK knows its node\'s address');
  t.is(r.undeclaredListen, 'APP_DENIED');
  t.is(r.undeclaredDatagrams, 'APP_DENIED');
  t.is(r.tcpConnect, 'APP_DENIED', 'no tcp-exit capability');
  t.is(r.dialRefused, 'refused', 'a dial to a port nobody listens on carries the overlay\'s code');
  t.is(r.dialOut, `pong to ${b.address}: ping from the app`, 'the app dialled node A as node B');
  t.is(r.sendTooBig, 'BAD_REQUEST', 'a datagram bigger than any path is refused by the SDK');
  t.is(r.sendOverPath, 'BAD_REQUEST', 'a datagram too big for this path is refused by the node, not silently lost');
  t.deepEqual(listened, [40, 42, 44]);
  t.deepEqual([...host.listening], [40, 42, 44]);
  t.like(host.refused.snapshot().byReason, { denied: 3 });
});

test.serial('the manifest says who may call each port, the node enforces it before the app sees the stream, and the app learns who called', async (t) => {
  await within(ready, 15_000, 'ready() from the app');
  t.is(await codeOf(dialFromA(42)), 'refused', 'not on the port\'s address list: reset as if nobody listened');
  t.true((b.running.overlay.refusedCallers[42] ?? 0) >= 1, 'counted on the node');
  const s = await dialFromA(44);
  s.end();
  // Outside a fleet (no master configured) every authenticated peer counts as a member.
  t.deepEqual(JSON.parse((await readAll(s)).toString()), { peer: a.address, member: true, role: null, name: null });
});

test.serial('node A exchanges 1 MB both ways with the sandboxed app, with half-close each way', async (t) => {
  const data = randomBytes(1024 * 1024);
  const s = await dialFromA(40);
  s.end(data);
  const got = await readAll(s);
  t.is(got.length, data.length + `|from=${a.address}`.length);
  t.is(sha(got.subarray(0, data.length)), sha(data), 'echo is byte-exact');
  t.is(got.subarray(data.length).toString(), `|from=${a.address}`, 'the app wrote after our FIN and the app knows who we are');
});

test.serial('datagrams both ways: node A -> app port 41, the app echoes to node A port 43', async (t) => {
  const echoed = firstValueFrom(a.running.overlay.datagrams$.pipe(filter((d) => d.dstPort === 43), timeout(10_000)));
  const payload = randomBytes(200);
  let n = 0;
  // Unreliable by contract: send until one round trip completes.
  const sender = setInterval(() => { n++; a.running.overlay.send(b.address, 41, payload); }, 100);
  const d = await echoed.finally(() => clearInterval(sender));
  t.is(d.peer, b.address);
  t.true(Buffer.from(d.bytes).equals(Buffer.concat([Buffer.from('echo:'), payload])));
  t.log(`${n} datagram(s) sent for one echo`);
});

const raw = (path: string, bytes: Buffer): Promise<string> => new Promise((resolve) => {
  const s = createConnection(path);
  let out = '';
  s.on('data', (c: Buffer) => { out += c.toString(); });
  s.on('error', () => undefined);
  s.on('close', () => resolve(out));
  s.on('connect', () => s.write(bytes));
});

test.serial('malformed requests on the app socket get an error reply, are counted, and the node goes on', async (t) => {
  const path = appPaths(b.home, 'echo').socket;
  const before = host.refused.snapshot();
  const answers = await Promise.all([
    'not json\n', '{"op":"nope"}\n', '{"op":"dial","address":"x","port":70000}\n', '[1,2]\n', 'x'.repeat(10_000),
    '{"op":"accept","id":424242}\n', '{"op":"dial","address":"zzzz","port":40}\n',
  ].map((line) => raw(path, Buffer.from(line))));
  const codes = answers.map((l) => (JSON.parse(l) as { error: { code: string } }).error.code);
  t.deepEqual(codes, ['BAD_REQUEST', 'BAD_REQUEST', 'BAD_REQUEST', 'BAD_REQUEST', 'BAD_REQUEST', 'BAD_REQUEST', 'BAD_ADDRESS']);
  const frames = await raw(path, Buffer.concat([Buffer.from('{"op":"send"}\n'), Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2])]));
  t.regex(frames, /^\{"ok":true\}\n\{"ok":false,"error":\{"code":"BAD_REQUEST","message":"malformed datagram frame/);
  const after = host.refused.snapshot();
  t.is((after.byReason.malformed ?? 0) - (before.byReason.malformed ?? 0), 5);
  t.is((after.byReason.failed ?? 0) - (before.byReason.failed ?? 0), 2);
  t.is((after.byReason['bad-frame'] ?? 0) - (before.byReason['bad-frame'] ?? 0), 1);
  const s = await dialFromA(40);
  s.end('still here');
  t.is((await readAll(s)).toString(), `still here|from=${a.address}`);
});

test.serial('tcp-connect: with the capability the node\'s connector is used and its error codes pass through', async (t) => {
  const echo: Server = createServer({ allowHalfOpen: true }, (s) => void readAll(s).then((got) => s.end(Buffer.concat([got, Buffer.from('|tcp')]))));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  const port = (echo.address() as { port: number }).port;
  const manifest = parseManifest({ name: 'exit', version: '1', entry: 'main.mjs', capabilities: ['tcp-exit'] }, 'test');
  const connector = (h: string, p: number): Promise<Duplex> => (h === 'denied.example' ? Promise.reject(Object.assign(new Error('not allowed by the exit policy'), { code: 'SOCKS_POLICY' })) : tcpConnect(h, p));
  const exitHost = await openAppHost({ overlay: b.running.overlay, manifest, socketPath: appPaths(b.home, 'exit').socket, tcpConnect: connector, onReady: () => undefined });
  const bare = await openAppHost({ overlay: b.running.overlay, manifest: { ...manifest, name: 'bare' }, socketPath: appPaths(b.home, 'bare').socket, onReady: () => undefined });
  t.teardown(async () => { echo.close(); await exitHost.close(); await bare.close(); });
  const sdk = await connectApp(appPaths(b.home, 'exit').socket);
  const s = await sdk.tcpConnect('127.0.0.1', port);
  s.end('over tcp');
  t.is((await readAll(s)).toString(), 'over tcp|tcp');
  t.is(await codeOf(sdk.tcpConnect('denied.example', 80)), 'SOCKS_POLICY');
  echo.close();
  t.is(await codeOf(sdk.tcpConnect('127.0.0.1', port)), 'refused');
  const noExit = await connectApp(appPaths(b.home, 'bare').socket);
  t.is(await codeOf(noExit.tcpConnect('127.0.0.1', port)), 'APP_DENIED', 'no connector on this node');
  sdk.close();
  noExit.close();
});

test.serial('tcp-splice: the node joins the exit onto an accepted stream; the app\'s last bytes, early bytes and half-close all arrive in order', async (t) => {
  const echo: Server = createServer({ allowHalfOpen: true }, (s) => void readAll(s).then((got) => s.end(Buffer.concat([got, Buffer.from('|tcp')]))));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  const port = (echo.address() as { port: number }).port;
  const manifest = parseManifest({ name: 'proxy', version: '1', entry: 'main.mjs', ports: [60], capabilities: ['tcp-exit'] }, 'test');
  const connector = (h: string, p: number): Promise<Duplex> => (h === 'denied.example' ? Promise.reject(Object.assign(new Error('not allowed by the exit policy'), { code: 'SOCKS_POLICY' })) : tcpConnect(h, p));
  const proxyHost = await openAppHost({ overlay: b.running.overlay, manifest, socketPath: appPaths(b.home, 'proxy').socket, tcpConnect: connector, onReady: () => undefined });
  t.teardown(async () => { echo.close(); await proxyHost.close(); });
  const sdk = await connectApp(appPaths(b.home, 'proxy').socket);
  const outcomes: string[] = [];
  // A toy proxy: the first line names the destination; whatever came with it is for the destination.
  await sdk.listen(60, (s) => {
    let got = Buffer.alloc(0);
    const onData = (c: Buffer): void => {
      got = Buffer.concat([got, c]);
      const nl = got.indexOf(10);
      if (nl < 0) return;
      s.off('data', onData);
      s.pause();
      const host = got.subarray(0, nl).toString();
      sdk.tcpSplice(s, host, port, { head: (l) => Buffer.from(`OK ${l.port !== null}\n`), rest: got.subarray(nl + 1) }).then(
        () => outcomes.push('spliced'),
        (e: { code?: string }) => { outcomes.push(e.code ?? 'error'); s.end(`NO ${e.code}\n`); });
    };
    s.on('data', onData);
  });
  t.is(await codeOf(sdk.tcpSplice(await sdk.tcpConnect('127.0.0.1', port), '127.0.0.1', port)), 'BAD_REQUEST', 'only a stream the app accepted');

  const big = randomBytes(1 << 20);
  const s1 = await dialFromA(60);
  s1.write('127.0.0.1\nearly|');
  const reply = readAll(s1);
  // The rest waits for the proxy's answer, as a SOCKS client waits for its reply.
  await until(async () => (outcomes.includes('spliced') ? true : undefined), 20_000, 'the splice');
  s1.end(big);
  const all = await reply;
  const head = 'OK true\nearly|';
  t.is(all.subarray(0, head.length).toString(), head);
  t.is(sha(all.subarray(head.length, head.length + big.length)), sha(big), 'a megabyte through the node, in order');
  t.is(all.subarray(head.length + big.length).toString(), '|tcp', 'the client\'s FIN reached the destination, whose answer and FIN came back');

  // A refused destination leaves the stream with the app, which answers its client itself.
  const s2 = await dialFromA(60);
  s2.end('denied.example\n');
  t.is((await readAll(s2)).toString(), 'NO SOCKS_POLICY\n');
  t.deepEqual(outcomes, ['spliced', 'SOCKS_POLICY']);
  sdk.close();
});

test.serial('closing the host unlistens the app\'s ports and ends its connections; the app then exits', async (t) => {
  await host.close();
  t.is(host.listening.size, 0);
  t.is(await codeOf(dialFromA(40)), 'refused');
  const r = await exited;
  t.is(r.code, 0, r.stderr);
});

test('buildSdk is deterministic, and the bundle needs nothing but Node built-ins', async (t) => {
  const dir = tmpHome('sdk-build');
  const one = readFileSync(await buildSdk(join(dir, 'one.mjs')));
  const two = readFileSync(await buildSdk(join(dir, 'two.mjs')));
  t.true(one.equals(two));
  t.true(one.equals(readFileSync(await sdkBundle())), 'the same bytes as the bundle the sandboxed app ran');
  const text = one.toString();
  const imports = [...text.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
  t.true(imports.length > 0);
  t.deepEqual(imports.filter((i) => !i!.startsWith('node:')), []);
  t.false(text.includes(process.cwd()), 'no absolute paths of the build machine');
  t.regex(text, /export \{[^}]*connectApp/);
});
