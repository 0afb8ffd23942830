import test from 'ava';
import { createServer, type Server } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnSandboxed, sandboxAvailable } from '../src/env/sandbox-spawn.ts';
import { listenAppSocket, type AppSocket } from '../src/env/app-socket-listen.ts';
import type { SkywireError } from '../src/errors.ts';
import { collect, report, sdkBundle, writeApp, type TestApp } from './helpers/app-fixtures.ts';

// Real bubblewrap, real processes. The node's home is under /var/tmp, not /tmp: the sandbox's
// private /tmp would hide a home in /tmp even if the sandbox bound the whole host, so only a
// home elsewhere proves that nothing but the app's own directories is bound.
const home = mkdtempSync('/var/tmp/sky-sbx-');
const tmpName = `skywire-sbx-${randomBytes(6).toString('hex')}`;
const hostIp = Object.values(networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4')?.address;
let outside: Server;
let outsideConnections = 0;
let sock: AppSocket;
let hostile: TestApp;

// Each attempt records 'ok' or the error code; the shell part prints each command's status
// and message. Node code below runs INSIDE the sandbox.
const HOSTILE = `
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
const t = JSON.parse(fs.readFileSync(process.env.SKYWIRE_APP_CONFIG + '/targets.json', 'utf8'));
const r = {};
const attempt = (name, f) => { try { f(); r[name] = 'ok'; } catch (e) { r[name] = e.code; } };
attempt('readSibling', () => fs.readFileSync(t.siblingSecret));
attempt('readNodeHome', () => fs.readdirSync(t.nodeHome));
attempt('readHostHome', () => fs.readdirSync(t.hostHome));
for (const d of ['.config', '.cache', '.local']) attempt('home' + d, () => fs.mkdirSync(os.homedir() + '/' + d + '/x', { recursive: true }));
attempt('mkHome', () => fs.mkdirSync(os.homedir().split('/').slice(0, 2).join('/')));
attempt('writeSrc', () => fs.writeFileSync(process.env.SKYWIRE_APP_DATA + '/../src/evil.mjs', 'x'));
attempt('writeConfig', () => fs.writeFileSync(process.env.SKYWIRE_APP_CONFIG + '/evil', 'x'));
attempt('writeTmp', () => fs.writeFileSync('/tmp/' + t.tmpName, 'x'));
let runs = 0;
attempt('readData', () => { runs = Number(fs.readFileSync(process.env.SKYWIRE_APP_DATA + '/runs', 'utf8')); });
attempt('writeData', () => fs.writeFileSync(process.env.SKYWIRE_APP_DATA + '/runs', String(runs + 1)));
r.runs = runs + 1;
const run = (f) => { try { return f(); } catch (e) { return e.code; } };
attempt('writeRoot', () => fs.writeFileSync('/evil', 'x'));
attempt('writeUsr', () => fs.writeFileSync('/usr/evil', 'x'));
r.root = run(() => fs.readdirSync('/').sort());
r.etc = run(() => fs.readdirSync('/etc'));
r.app = run(() => fs.readdirSync('/app').sort());
r.processes = run(() => fs.readdirSync('/proc').filter((p) => /^[0-9]+$/.test(p)).length);
r.env = Object.keys(process.env).sort();
r.sdk = typeof (await import('skywire/app')).connectApp;
const tcp = (o) => new Promise((res) => { const s = net.connect(o); s.on('connect', () => { s.destroy(); res('connected'); }); s.on('error', (e) => res(e.code)); });
r.tcpLoopback = await tcp({ host: '127.0.0.1', port: t.port });
if (t.hostIp) r.tcpHostIp = await tcp({ host: t.hostIp, port: t.port });
r.nodeSocket = await tcp({ path: process.env.SKYWIRE_SOCKET });
r.shell = run(() => execFileSync('/bin/sh', ['-c', t.shell], { encoding: 'utf8', env: { ...process.env, ...t.shellEnv } }));
attempt('worker', () => new Worker('0', { eval: true }));
console.log(JSON.stringify(r));
`;

// One line per attempt: NAME=STATUS MESSAGE (the shell's own status and error text).
const SHELL = [
  'try() { name=$1; shift; msg=$( ("$@") 2>&1 >/dev/null ); echo "$name=$? $msg"; }',
  'try readSibling cat "$SECRET"',
  'try readNodeHome ls "$NODE_HOME"',
  'for d in .config .cache .local; do try home$d mkdir -p "$HOME/$d"; done',
  'try writeSrc touch /app/src/evil-sh',
  'try writeTmp touch "/tmp/$TMPNAME-sh"',
  'try writeData touch /app/data/from-sh',
  'try tcpNode node -e "const s = require(\'net\').connect($PORT, \'127.0.0.1\'); s.on(\'connect\', () => process.exit(0)); s.on(\'error\', (e) => { console.error(e.code); process.exit(1); })"',
  'try tcpCurl curl -sS -m 5 "http://127.0.0.1:$PORT/"',
].join('\n');

test.before(async () => {
  outside = createServer((s) => { outsideConnections++; s.destroy(); });
  await new Promise<void>((r) => outside.listen(0, '0.0.0.0', () => r()));
  const port = (outside.address() as { port: number }).port;
  const sibling = writeApp(home, { name: 'other' }, { 'main.mjs': '' });
  writeFileSync(join(sibling.paths.data, 'secret.txt'), 'sibling secret');
  writeFileSync(join(home, 'node-secret.txt'), 'node secret');
  const targets = {
    siblingSecret: join(sibling.paths.data, 'secret.txt'), nodeHome: home, hostHome: homedir(), port, hostIp, tmpName, shell: SHELL,
    shellEnv: { SECRET: join(sibling.paths.data, 'secret.txt'), NODE_HOME: home, PORT: String(port), TMPNAME: tmpName },
  };
  hostile = writeApp(home, { name: 'hostile' }, { 'main.mjs': HOSTILE }, { 'targets.json': JSON.stringify(targets) });
  sock = await listenAppSocket(hostile.paths.socket, (s) => s.end());
});
test.after.always(async () => {
  await sock?.close();
  outside?.close();
  rmSync(home, { recursive: true, force: true });
});

const withoutBwrap = async <T>(f: () => Promise<T>): Promise<T> => {
  const saved = process.env.PATH;
  process.env.PATH = '/nonexistent-bin';
  try {
    return await f();
  } finally {
    process.env.PATH = saved;
  }
};

type Report = Record<string, unknown> & { shell: string; env: string[]; runs: number };
const shellLines = (r: Report): Record<string, string> => Object.fromEntries(r.shell.trim().split('\n').map((l) => [l.split('=')[0], l.slice(l.indexOf('=') + 1)]));

test.serial('bubblewrap: every escape attempt of a hostile app is denied, from Node and from a shell', async (t) => {
  t.true(sandboxAvailable(), 'bwrap is installed here (the test would otherwise prove nothing)');
  const sdkFile = await sdkBundle();
  const first = await collect(spawnSandboxed({ paths: hostile.paths, manifest: hostile.manifest, sdkFile }));
  const r = report<Report>(first);
  t.is(first.code, 0, first.stderr);
  t.like(r, {
    readSibling: 'ENOENT', readNodeHome: 'ENOENT', readHostHome: 'ENOENT',
    // HOME does not exist and cannot be made: / is read-only.
    'home.config': 'ENOENT', 'home.cache': 'ENOENT', 'home.local': 'ENOENT', mkHome: 'EROFS',
    writeSrc: 'EROFS', writeConfig: 'EROFS', writeRoot: 'EROFS', writeUsr: 'EROFS',
    writeTmp: 'ok', writeData: 'ok', runs: 1, sdk: 'function', nodeSocket: 'connected',
    tcpLoopback: 'ECONNREFUSED', processes: 2, worker: 'ok',
  });
  if (hostIp) t.is(r.tcpHostIp, 'ENETUNREACH', `the host's own address ${hostIp} is not routable from the sandbox`);
  t.deepEqual(r.app, ['config', 'data', 'node_modules', 'src']);
  t.deepEqual(r.etc, existsSync('/etc/ld.so.cache') ? ['ld.so.cache'] : 'ENOENT', 'of /etc only the loader cache');
  t.deepEqual((r.root as string[]).filter((d) => !['app', 'bin', 'dev', 'etc', 'lib', 'lib32', 'lib64', 'libx32', 'proc', 'run', 'sbin', 'tmp', 'usr'].includes(d)), []);
  t.deepEqual(r.env, ['HOME', 'PATH', 'PWD', 'SKYWIRE_APP_CONFIG', 'SKYWIRE_APP_DATA', 'SKYWIRE_SOCKET'], 'nothing of the node\'s environment leaks in');
  const sh = shellLines(r);
  t.regex(sh.readSibling!, /^1 cat: .*: No such file or directory/);
  t.regex(sh.readNodeHome!, /^2 ls: cannot access .*: No such file or directory/);
  for (const d of ['.config', '.cache', '.local']) t.regex(sh[`home${d}`]!, /^1 mkdir: cannot create directory '\/home': Read-only file system/);
  t.regex(sh.writeSrc!, /^1 touch: .*Read-only file system/);
  t.is(sh.writeTmp, '0 ');
  t.is(sh.writeData, '0 ');
  t.is(sh.tcpNode, '1 ECONNREFUSED');
  t.regex(sh.tcpCurl!, /^7 curl: \(7\) Failed to connect/);
  t.is(outsideConnections, 0, 'the server outside the sandbox saw no connection');
  // The private /tmp is gone with the sandbox; data/ is the host's and persists.
  t.false(existsSync(join(tmpdir(), tmpName)));
  t.false(existsSync(join(tmpdir(), `${tmpName}-sh`)));
  t.true(existsSync(join(hostile.paths.data, 'from-sh')));
  t.false(existsSync(join(hostile.paths.src, 'evil.mjs')));
  const second = report<Report>(await collect(spawnSandboxed({ paths: hostile.paths, manifest: hostile.manifest, sdkFile })));
  t.is(second.runs, 2, 'data/ persists between runs');
  t.is(readFileSync(join(hostile.paths.data, 'runs'), 'utf8'), '2');
});

test.serial('without bubblewrap a start is refused with SANDBOX_UNAVAILABLE naming the package and the opt-in', async (t) => {
  const sdkFile = await sdkBundle();
  t.false(await withoutBwrap(async () => sandboxAvailable()));
  const e = await withoutBwrap(async () => t.throws(() => spawnSandboxed({ paths: hostile.paths, manifest: hostile.manifest, sdkFile })) as SkywireError);
  t.is(e.code, 'SANDBOX_UNAVAILABLE');
  t.regex(e.message, /bubblewrap/);
  t.regex(e.message, /allowWeakSandbox/);
});

test.serial('fallback: Node\'s permission model denies other apps\' files, writes outside data/, processes and workers, but NOT the network', async (t) => {
  const sdkFile = await sdkBundle();
  const before = outsideConnections;
  const runsFile = join(hostile.paths.data, 'runs');
  const runsBefore = existsSync(runsFile) ? Number(readFileSync(runsFile, 'utf8')) : 0;
  const proc = await withoutBwrap(async () => spawnSandboxed({ paths: hostile.paths, manifest: hostile.manifest, sdkFile, fallback: true }));
  const res = await collect(proc);
  const r = report<Report>(res);
  t.like(r, {
    readSibling: 'ERR_ACCESS_DENIED', readNodeHome: 'ERR_ACCESS_DENIED', readHostHome: 'ERR_ACCESS_DENIED',
    'home.config': 'ERR_ACCESS_DENIED', mkHome: 'ERR_ACCESS_DENIED', writeSrc: 'ERR_ACCESS_DENIED', writeConfig: 'ERR_ACCESS_DENIED', writeTmp: 'ERR_ACCESS_DENIED',
    writeData: 'ok', sdk: 'function', nodeSocket: 'connected', shell: 'ERR_ACCESS_DENIED', worker: 'ERR_ACCESS_DENIED',
  });
  t.deepEqual(r.env, ['HOME', 'PATH', 'SKYWIRE_APP_CONFIG', 'SKYWIRE_APP_DATA', 'SKYWIRE_SOCKET']);
  t.is(r.runs, runsBefore + 1, 'the same data/ as under bubblewrap');
  // The documented gap (src/env/sandbox-spawn.ts): Node 20 does not restrict the network.
  t.is(r.tcpLoopback, 'connected');
  t.true(outsideConnections > before);
});
