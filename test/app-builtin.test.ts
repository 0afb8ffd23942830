// The built-in apps as an operator runs them: built by `buildBuiltinApp`, installed in node B's
// home, started by the node in bubblewrap, and used from node A through the CLI over one hop:
// `skywire fs` for the file storage app and `skywire socks` + real curl for the SOCKS5 exit.
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, sky, startAppWorld, waitFor, type AppWorld } from './helpers/app-world.ts';
import { tmpHome } from './helpers/cli.ts';
import { freeTcpPort } from './helpers/free-port.ts';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const body = randomBytes(3 * 1024 * 1024);

/** Runs a CLI process without blocking this process's event loop (the HTTP server lives here). */
const run = (args: string[], cmd = process.execPath): Promise<{ code: number | null; stdout: Buffer; stderr: string }> => new Promise((resolve) => {
  const p = spawn(cmd, cmd === process.execPath ? [BIN, ...args] : args);
  const out: Buffer[] = [];
  let err = '';
  p.stdout.on('data', (c: Buffer) => out.push(c));
  p.stderr.on('data', (c: Buffer) => { err += c.toString(); });
  p.on('exit', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
});

let w: AppWorld;
let httpPort = 0;
let deniedPort = 0;
const http = createServer((_q, r) => r.end(body));
const other = createServer((_q, r) => r.end('must not be reachable'));

test.before(async () => {
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  httpPort = (http.address() as AddressInfo).port;
  deniedPort = (other.address() as AddressInfo).port;
  w = await startAppWorld({
    files: { 'files.json': JSON.stringify({ quotaBytes: 8 * 1024 * 1024 }) },
    socks: { 'socks.json': JSON.stringify({ allow: [`127.0.0.1:${httpPort}`] }) },
  });
});

test.after.always(() => {
  w?.stop();
  http.close();
  other.close();
});

test('skywire fs: put, ls, get, rm against the sandboxed files app on another node; quota and escapes refused', async (t) => {
  const dir = tmpHome('fs-cli');
  const file = join(dir, 'photo.bin');
  const data = randomBytes(2 * 1024 * 1024);
  writeFileSync(file, data);
  const put = await run(['fs', 'put', `${w.bAddress}:/photos/`, file, '--home', w.a, '--json']);
  t.is(put.code, 2, 'no such directory yet');
  t.is((await run(['fs', 'mkdir', `${w.bAddress}:/photos`, '--home', w.a])).code, 0);
  const ok = await run(['fs', 'put', `${w.bAddress}:/photos`, file, '--home', w.a, '--json']);
  t.is(ok.code, 0, ok.stderr);
  t.is(sha(readFileSync(join(w.b, 'apps', 'files', 'data', 'photos', 'photo.bin'))), sha(data), 'stored in the app\'s own data/');
  const ls = JSON.parse((await run(['fs', 'ls', `${w.bAddress}:/photos`, '--home', w.a, '--json'])).stdout.toString()) as { name: string; size: number; sha256: string }[];
  t.deepEqual(ls.map((e) => [e.name, e.size, e.sha256]), [['photo.bin', data.length, sha(data)]]);
  const back = join(dir, 'back.bin');
  t.is((await run(['fs', 'get', `${w.bAddress}:/photos/photo.bin`, back, '--home', w.a])).code, 0);
  t.is(sha(readFileSync(back)), sha(data));

  const big = join(dir, 'big.bin');
  writeFileSync(big, randomBytes(9 * 1024 * 1024));
  const over = await run(['fs', 'put', `${w.bAddress}:/big.bin`, big, '--home', w.a]);
  t.is(over.code, 2);
  t.regex(over.stderr, /QUOTA_EXCEEDED/);
  const escape = await run(['fs', 'get', `${w.bAddress}:/../../config.json`, join(dir, 'x'), '--home', w.a]);
  t.is(escape.code, 2);
  t.regex(escape.stderr, /PATH_ESCAPE/);
  t.false(existsSync(join(dir, 'x')));

  t.is((await run(['fs', 'rm', `${w.bAddress}:/photos`, '-r', '--home', w.a])).code, 0);
  t.false(existsSync(join(w.b, 'apps', 'files', 'data', 'photos')));
});

test.serial('skywire fs partials and rm-partial: an upload cut off by kill -9 is listed with its bytes held, and removing it gives them back', async (t) => {
  const dir = tmpHome('fs-partial');
  const staging = join(w.b, 'apps', 'files', 'data', '.skywire-files', 'partial');
  const held = (): boolean => existsSync(staging) && readdirSync(staging).some((f) => f.endsWith('.part') && statSync(join(staging, f)).size > 0);
  // Cut the upload off as soon as its partial has bytes on the node's disk; a loopback upload can
  // finish first, so try again with a bigger file (never more than the quota's half).
  let cut = false;
  for (const mib of [2, 3, 4]) {
    const file = join(dir, `cut-${mib}.bin`);
    writeFileSync(file, randomBytes(mib * 1024 * 1024));
    const p = spawn(process.execPath, [BIN, 'fs', 'put', `${w.bAddress}:/cut-${mib}.bin`, file, '--home', w.a], { stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => p.on('exit', (c) => r(c)));
    let done = false;
    void exited.then(() => { done = true; });
    while (!done && !held()) await new Promise((r) => setTimeout(r, 1));
    if (!done) { p.kill('SIGKILL'); cut = true; }
    await exited;
    if (cut) break;
    await run(['fs', 'rm', `${w.bAddress}:/cut-${mib}.bin`, '--home', w.a]);
  }
  t.true(cut, 'an upload was cut off while its partial held bytes');
  const report = JSON.parse((await run(['fs', 'partials', w.bAddress, '--home', w.a, '--json'])).stdout.toString()) as { partials: { uploadId: string; path: string; held: number; size: number }[]; usage: { pending: number } };
  t.is(report.partials.length, 1, JSON.stringify(report));
  const part = report.partials[0]!;
  t.regex(part.path, /^cut-\d\.bin$/);
  t.true(part.held <= part.size);
  t.is(report.usage.pending, 1);
  const plain = await run(['fs', 'partials', w.bAddress, '--home', w.a]);
  t.is(plain.code, 0);
  t.true(plain.stdout.toString().includes(part.uploadId), plain.stdout.toString());
  t.regex(plain.stdout.toString(), /partials expire after/);
  const rm = await run(['fs', 'rm-partial', w.bAddress, part.uploadId, '--home', w.a, '--json']);
  t.is(rm.code, 0, rm.stderr);
  t.is((JSON.parse(rm.stdout.toString()) as { removed: string }).removed, part.uploadId);
  const after = JSON.parse((await run(['fs', 'partials', w.bAddress, '--home', w.a, '--json'])).stdout.toString()) as { partials: unknown[]; usage: { pending: number } };
  t.deepEqual([after.partials.length, after.usage.pending], [0, 0]);
  const again = await run(['fs', 'rm-partial', w.bAddress, part.uploadId, '--home', w.a]);
  t.not(again.code, 0, 'an id that is gone is an error');
  t.regex(again.stderr, /^skywire: error \[[A-Z_]+\]: /);
});

test('skywire socks: curl --socks5-hostname through the sandboxed exit on another node; the exit policy holds', async (t) => {
  const port = await freeTcpPort();
  const client = spawn(process.execPath, [BIN, 'socks', '--exit', w.bAddress, '--listen', `127.0.0.1:${port}`, '--home', w.a], { stdio: 'ignore' });
  t.teardown(() => client.kill('SIGKILL'));
  await waitFor(() => (spawnSync('curl', ['-s', '-o', '/dev/null', `http://127.0.0.1:${port}/`]).status === 7 ? undefined : true), 20_000, 'socks client listening');
  // Hostname form: "localhost" travels to the exit and is resolved there.
  const got = await run(['-sS', '--socks5-hostname', `127.0.0.1:${port}`, `http://localhost:${httpPort}/`], 'curl');
  t.is(got.code, 0, got.stderr);
  t.is(sha(got.stdout), sha(body));
  // Not on the allow list: loopback and private addresses are denied by default (no open proxy
  // into the exit's LAN). curl reports the SOCKS5 reply "connection not allowed by ruleset".
  const denied = await run(['-sS', '--socks5-hostname', `127.0.0.1:${port}`, `http://127.0.0.1:${deniedPort}/`], 'curl');
  t.not(denied.code, 0);
  t.regex(denied.stderr, /not allowed|ruleset|error 2|\(2\)/i);
  const status = JSON.parse(sky('status', '--home', w.b, '--json').stdout) as { apps: { name: string; state: string }[] };
  t.deepEqual(status.apps.map((a) => [a.name, a.state]), [['files', 'running'], ['socks', 'running']]);
});
