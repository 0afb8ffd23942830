// Fleet membership as an attacker meets it, with real processes on loopback: a master in
// approval mode that admits A and B, node B running the files and SOCKS apps, and a stranger S
// that links to the master (which accepts unknown links: that is how nodes find it) and
// registers under B's name. Before membership, S used B's files app and SOCKS exit through the
// master and `skywire term kitchen-pi` could land on S.
import test from 'ava';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildBuiltinApp } from '../src/apps/builtin-build.ts';
import { createIdentity } from '../src/identity/key-file.ts';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { BIN, sky, tmpHome, until } from './helpers/cli.ts';
import { controlRequest } from '../src/env/control-client.ts';
import { freeUdpPorts } from './helpers/free-port.ts';

interface N { home: string; address: string; publicKey: string; port: number; proc?: ChildProcess; out: string }
const names = ['m', 'a', 'b', 's'] as const;
const nodes = {} as Record<(typeof names)[number], N>;
const status = async (n: N): Promise<Record<string, any>> => (await controlRequest(n.home, { cmd: 'status' })) as Record<string, any>;

const run = (args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> => new Promise((resolve) => {
  const p = spawn(process.execPath, [BIN, ...args]);
  let out = '';
  let err = '';
  p.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  p.stderr.on('data', (c: Buffer) => { err += c.toString(); });
  const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
  p.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout: out, stderr: err }); });
});

test.before(async () => {
  const ports = await freeUdpPorts(names.length);
  names.forEach((n, i) => {
    const home = tmpHome(`member-${n}`);
    const id = createIdentity(nodeSuite(), home, new Uint8Array(randomBytes(32)));
    nodes[n] = { home, address: id.address, publicKey: Buffer.from(id.publicKey).toString('base64'), port: ports[i]!, out: '' };
  });
  const { m, a, b, s } = nodes;
  const link = { keepaliveMs: 500, deadAfterMs: 2000 };
  const peerOf = (n: N): string => `${n.address}@127.0.0.1:${n.port}`;
  writeFileSync(join(m.home, 'config.json'), JSON.stringify({ name: 'master', listen: `127.0.0.1:${m.port}`, peers: [], link }));
  writeFileSync(join(a.home, 'config.json'), JSON.stringify({ name: 'laptop', listen: `127.0.0.1:${a.port}`, peers: [peerOf(m)], master: m.publicKey, link }));
  writeFileSync(join(b.home, 'config.json'), JSON.stringify({ name: 'kitchen-pi', listen: `127.0.0.1:${b.port}`, peers: [peerOf(m)], master: m.publicKey, link }));
  // The stranger knows the master's key and endpoint and claims B's name.
  writeFileSync(join(s.home, 'config.json'), JSON.stringify({ name: 'kitchen-pi', listen: `127.0.0.1:${s.port}`, peers: [peerOf(m)], master: m.publicKey, link }));
  for (const app of ['files', 'socks'] as const) {
    const root = join(b.home, 'apps', app);
    await buildBuiltinApp(app, root);
    mkdirSync(join(root, 'config'), { recursive: true });
    mkdirSync(join(root, 'data'), { recursive: true });
  }
  writeFileSync(join(b.home, 'apps', 'files', 'data', 'secret.txt'), 'the operator\'s file\n');
  const start = (n: N, argv: string[]): void => {
    n.proc = spawn(process.execPath, [BIN, ...argv, '--home', n.home], { stdio: ['ignore', 'pipe', 'pipe'] });
    n.proc.stdout!.on('data', (c: Buffer) => { n.out += c.toString(); });
    n.proc.stderr!.on('data', (c: Buffer) => { n.out += c.toString(); });
  };
  start(m, ['master', '--approval', '--allow', a.address, '--allow', b.address]);
  start(a, ['node']);
  start(b, ['node']);
  for (const n of [a, b]) {
    await until(async () => ((await status(n).catch(() => undefined))?.membership?.own ? true : undefined), 40_000, `${n.home} admitted with a credential`);
  }
  await until(async () => ((await status(b)).apps as { state: string }[]).every((x) => x.state === 'running') ? true : undefined, 40_000, 'apps running on B');
  start(s, ['node']);
  await until(async () => ((await status(s).catch(() => undefined))?.master?.registration?.state === 'pending' ? true : undefined), 40_000, 'stranger held');
});

test.after.always(() => {
  for (const n of Object.values(nodes)) {
    n.proc?.kill('SIGKILL');
    rmSync(n.home, { recursive: true, force: true });
  }
});

test.serial('a member uses B\'s files app through the master; a stranger can neither list, read nor write it', async (t) => {
  const { a, b, s, m } = nodes;
  const ok = await run(['fs', 'ls', `${b.address}:/`, '--home', a.home, '--json']);
  t.is(ok.code, 0, ok.stderr);
  t.true(ok.stdout.includes('secret.txt'));
  const before = ((await status(m)).drops?.['route-not-member'] ?? 0) as number;
  const ls = await run(['fs', 'ls', `${b.address}:/`, '--home', s.home]);
  t.not(ls.code, 0);
  t.regex(ls.stderr, /^skywire: error \[/m);
  t.false(ls.stdout.includes('secret.txt'));
  const file = join(s.home, 'evil.txt');
  writeFileSync(file, 'overwritten');
  const put = await run(['fs', 'put', `${b.address}:/secret.txt`, file, '--home', s.home]);
  t.not(put.code, 0);
  const rm = await run(['fs', 'rm', `${b.address}:/secret.txt`, '--home', s.home]);
  t.not(rm.code, 0);
  t.true(existsSync(join(b.home, 'apps', 'files', 'data', 'secret.txt')));
  // Either the master, as the relay, refused the stranger's routes (and counted them), or the
  // stranger never learned enough of the fleet (B's record, with B's route key) to build one.
  const refused = ((await status(m)).drops?.['route-not-member'] ?? 0) > before;
  t.true(refused || /\[(NO_ROUTE|UNREACHABLE|unreachable)\]/.test(ls.stderr), ls.stderr);
});

test.serial('the SOCKS exit is not an open proxy for strangers: the stream never reaches the app', async (t) => {
  const { a, b, s } = nodes;
  const member = await run(['route', b.address, '--home', a.home]);
  t.is(member.code, 0, member.stderr);
  const c = spawnSync(process.execPath, [BIN, 'connect', b.address, '1080', '--home', s.home], { input: '', encoding: 'utf8', timeout: 60_000 });
  t.not(c.status, 0);
  t.regex(c.stderr, /skywire: error \[/);
});

test.serial('a second node claiming an admitted name is held, never preferred: term, exec and config by name reach the admitted node, and the stranger gets nothing', async (t) => {
  const { m, b, s } = nodes;
  const list = JSON.parse(sky('nodes', '--home', m.home, '--json').stdout) as { address: string; name: string; enrolment: string }[];
  const mine = list.find((n) => n.address === s.address);
  t.is(mine?.enrolment, 'pending');
  t.is(list.filter((n) => n.name === 'kitchen-pi' && n.enrolment === 'accepted').map((n) => n.address).join(), b.address);
  const exec = await run(['exec', 'kitchen-pi', '--home', m.home, '--json', '--', 'true']);
  t.is(exec.code, 0, exec.stderr);
  t.is((JSON.parse(exec.stdout) as { results: { node: string }[] }).results[0]!.node, b.address);
  for (const args of [['term', s.address, '--home', m.home], ['exec', s.address, '--home', m.home, '--', 'true']]) {
    const r = await run(args);
    t.not(r.code, 0, args.join(' '));
    t.regex(r.stderr, /skywire: error \[NOT_ADMITTED\]: .*(waiting for approval|its name belongs to another node)/);
  }
  const approve = await run(['nodes', 'approve', s.address, '--home', m.home]);
  t.not(approve.code, 0);
  t.regex(approve.stderr, /\[NAME_TAKEN\]/);
  t.regex(s.out, /another node already has the name "kitchen-pi"/);
});

test.serial('a stranger linked to the master learns nothing of the fleet: no member credentials, no topology records of members', async (t) => {
  const { a, b, s } = nodes;
  const st = await status(s);
  t.is(st.membership.own, null, 'the stranger is held, not admitted');
  t.is(st.membership.credentials, 0, 'no credential of any member reached it');
  // Its own record and the master's (which it registers with); none of A's or B's.
  t.true((st.topology.records as number) <= 2, `records: ${st.topology.records as number}`);
});

test.serial('skywire app config pushes an app\'s config from the master: signed, versioned, swapped in whole, the app restarted', async (t) => {
  const { m, b } = nodes;
  const file = join(m.home, 'files.json');
  writeFileSync(file, JSON.stringify({ quotaBytes: 4 * 1024 * 1024 }));
  const r = await run(['app', 'config', 'kitchen-pi', 'files', file, '--home', m.home, '--json']);
  t.is(r.code, 0, r.stderr);
  t.like(JSON.parse(r.stdout), { version: 1, files: ['files.json'], restarted: true });
  t.is(readFileSync(join(b.home, 'apps', 'files', 'config', 'files.json'), 'utf8'), JSON.stringify({ quotaBytes: 4 * 1024 * 1024 }));
  t.false(existsSync(join(b.home, 'apps', 'files', 'config.next')));
  await until(async () => ((await status(b)).apps as { name: string; state: string }[]).find((x) => x.name === 'files')?.state === 'running' ? true : undefined, 30_000, 'files app running again');
  const old = await run(['app', 'config', 'kitchen-pi', 'files', file, '--config-version', '1', '--home', m.home]);
  t.not(old.code, 0);
  t.regex(old.stderr, /CONFIG_VERSION/);
  const bad = await run(['app', 'config', 'kitchen-pi', 'files', join(m.home, 'nope.json'), '--home', m.home]);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /^skywire: error \[BAD_REQUEST\]: cannot read .*nope\.json \(ENOENT\)/);
});

test.serial('names: a member and the master reach kitchen-pi by name (route, ping, fs, socks); the stranger claiming it gets nobody', async (t) => {
  const { a, b, s, m } = nodes;
  // On a member the name comes from the fleet's credentials (signed by the master).
  const route = await run(['route', 'kitchen-pi', '--home', a.home]);
  t.is(route.code, 0, route.stderr);
  t.regex(route.stdout, new RegExp(`^route to kitchen-pi \\(${b.address}\\): established`));
  const ping = await run(['ping', 'kitchen-pi', '--count', '1', '--home', a.home]);
  t.is(ping.code, 0, ping.stderr);
  t.regex(ping.stdout, new RegExp(`^ping kitchen-pi \\(${b.address}\\)`));
  const ls = await run(['fs', 'ls', 'kitchen-pi:/', '--home', a.home, '--json']);
  t.is(ls.code, 0, ls.stderr);
  t.regex(ls.stdout, /secret\.txt/);
  // On the master, from the registry: the admitted holder of the name, never the stranger.
  const mr = JSON.parse((await run(['route', 'kitchen-pi', '--home', m.home, '--json'])).stdout) as { dest: string; name: string };
  t.deepEqual([mr.dest, mr.name], [b.address, 'kitchen-pi']);
  // An address prefix works where it is unique.
  t.regex((await run(['route', b.address.slice(0, 8), '--home', a.home])).stdout, new RegExp(b.address));
  // The stranger holds no credential, so the name means nothing to its node.
  const sr = await run(['route', 'kitchen-pi', '--home', s.home]);
  t.not(sr.code, 0);
  t.regex(sr.stderr, /^skywire: error \[UNKNOWN_NODE\]: "kitchen-pi" is not an address/);
  const socks = await run(['socks', '--exit', 'no-such-node', '--listen', '127.0.0.1:0', '--home', a.home]);
  t.regex(socks.stderr, /^skywire: error \[UNKNOWN_NODE\]/);
});

test.serial('nodes remove revokes at once: every node learns the list and the removed node reaches nothing', async (t) => {
  const { m, a, b } = nodes;
  // A stream A opened before it is removed (to B's SOCKS port, left waiting for its greeting).
  const open = spawn(process.execPath, [BIN, 'connect', b.address, '1080', '--home', a.home], { stdio: ['pipe', 'pipe', 'pipe'] });
  let openErr = '';
  open.stderr.on('data', (c: Buffer) => { openErr += c.toString(); });
  t.teardown(() => open.kill('SIGKILL'));
  await until(async () => ((await status(b)).routes as unknown[]).length > 0 || ((await status(a)).routes as { state: string }[]).some((x) => x.state === 'established') ? true : undefined, 20_000, 'A connected to B');
  await new Promise((r) => setTimeout(r, 1000));
  t.is(open.exitCode, null, `the stream is open before the removal: ${openErr}`);
  const r = await run(['nodes', 'remove', a.address, '--home', m.home]);
  t.is(r.code, 0, r.stderr);
  // The conversation A had open is ended at B and at the relaying master, not only new ones refused.
  await until(async () => (((await status(b)).drops?.['route-peer-revoked'] ?? 0) >= 1 ? true : undefined), 20_000, 'B ended its conversation with A');
  t.true(((await status(m)).drops?.['route-peer-revoked'] ?? 0) >= 1, 'the master stopped relaying for A');
  await until(async () => ((await status(b)).membership?.revocations?.entries === 1 ? true : undefined), 20_000, 'B holds the revocation list');
  await until(async () => ((await status(a)).master?.registration?.state === 'removed' ? true : undefined), 20_000, 'A told it was removed');
  const ls = await run(['fs', 'ls', `${b.address}:/`, '--home', a.home]);
  t.not(ls.code, 0);
  const list = JSON.parse(sky('nodes', '--home', m.home, '--json').stdout) as { address: string; enrolment: string }[];
  t.is(list.find((n) => n.address === a.address)?.enrolment, 'removed');
});
