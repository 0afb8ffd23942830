// A peer that cannot be reached says why (issue 14): a host name that does not resolve, nobody
// answering at the endpoint, and an endpoint that answers as another node used to show the same
// endless "handshaking -> down"; `skywire doctor` reports the same among its checks. The nodes
// run in a network namespace of their own with only loopback (unshare -n), so the DNS lookup of
// the bad name never leaves this machine.
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { BIN, sky, tmpHome, until } from './helpers/cli.ts';
import { netnsUnavailable } from './helpers/netns.ts';

const skip = netnsUnavailable();
const addressOf = (home: string): string => (JSON.parse(sky('id', '--home', home, '--json').stdout) as { address: string }).address;

interface LinkView { peer: string; state: string; problem: string | null }
interface StatusView { links: LinkView[]; drops: Record<string, number>; misaddressedAnswered: number }
const status = (home: string): StatusView | undefined => {
  const r = sky('status', '--home', home, '--json');
  return r.code === 0 ? (JSON.parse(r.stdout) as StatusView) : undefined;
};

(skip ? test.skip : test)(`an unreachable peer says why: DNS failure, no answer, or another node's key${skip ? ` (skipped: ${skip})` : ''}`, async (t) => {
  const [a, b, c, d, e] = ['diag-a', 'diag-b', 'diag-c', 'diag-d', 'diag-e'].map((l) => tmpHome(l)) as [string, string, string, string, string];
  const procs: ChildProcess[] = [];
  t.teardown(() => {
    for (const p of procs) p.kill('SIGKILL');
    for (const h of [a, b, c, d, e]) rmSync(h, { recursive: true, force: true });
  });
  for (const h of [a, b, c, d, e]) t.is(sky('init', '--home', h).code, 0);
  const [C, D, E] = [addressOf(c), addressOf(d), addressOf(e)];
  // One namespace for both nodes: B listens; A dials C at B's port (wrong key), D at a name that
  // does not resolve, E where nothing listens. Port numbers are free in a fresh namespace.
  const script = [
    'ip link set lo up',
    `node ${BIN} node --home ${b} --listen 127.0.0.1:7001 &`,
    `exec node ${BIN} node --home ${a} --listen 127.0.0.1:7000 --peer ${C}@127.0.0.1:7001 --peer ${D}@no-such-host.invalid:7000 --peer ${E}@127.0.0.1:7009`,
  ].join('\n');
  const ns = spawn('unshare', ['-n', 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  procs.push(ns);
  t.teardown(() => { try { process.kill(-ns.pid!, 'SIGKILL'); } catch { /* gone */ } });
  let log = '';
  ns.stdout!.on('data', (x: Buffer) => { log += x.toString(); });
  ns.stderr!.on('data', (x: Buffer) => { log += x.toString(); });

  const problems = await until(() => {
    const s = status(a);
    const byPeer = new Map((s?.links ?? []).map((l) => [l.peer, l.problem]));
    return [C, D, E].every((p) => byPeer.get(p)) ? byPeer : undefined;
  }, 60_000, 'a problem on each of the three links');
  t.regex(problems.get(C)!, new RegExp(`127\\.0\\.0\\.1:7001 answers as node ${addressOf(b)}, not ${C}: fix the address`));
  t.regex(problems.get(D)!, /cannot resolve the host of no-such-host\.invalid:7000 \((ENOTFOUND|EAI_AGAIN)\)/);
  t.regex(problems.get(E)!, /no answer from 127\.0\.0\.1:7009 for \d+ s/);
  // Counted on both ends: B answered misaddressed inits, A took the notices.
  t.true((status(a)!.drops['misaddressed-notice'] ?? 0) > 0);
  const bs = await until(() => status(b), 10_000, "B's status");
  t.true(bs.misaddressedAnswered > 0 && (bs.drops['bad-mac'] ?? 0) > 0);
  // The node's log says it once per cause, not once per retry.
  await until(() => (/no answer from 127\.0\.0\.1:7009/.test(log) ? true : undefined), 20_000, 'the no-answer warning in the log');
  t.is(log.match(/answers as node/g)?.length, 1, log);
  // The human status shows the reason under the link's row, within 80 columns.
  const text = sky('status', '--home', a).stdout;
  t.regex(text, /! cannot resolve the host/);
  for (const line of text.split('\n')) t.true(line.length <= 80, line);
  // skywire doctor names each problem with its fix, and fails.
  const doc = sky('doctor', '--home', a);
  t.is(doc.code, 1, doc.stdout + doc.stderr);
  t.regex(doc.stdout, /^ ok +home +/m);
  t.regex(doc.stdout, /^ ok +node +\S+, up \d+ s$/m);
  t.regex(doc.stdout, /^warn +master +none configured/m);
  t.regex(doc.stdout, new RegExp(`^FAIL  link ${C} .*answers as node`, 'm'));
  t.regex(doc.stdout, new RegExp(`^FAIL  link ${D} cannot resolve`, 'm'));
  t.regex(doc.stdout, new RegExp(`^FAIL  link ${E} no answer from`, 'm'));
  const json = JSON.parse(sky('doctor', '--home', b, '--json').stdout) as { name: string; verdict: string }[];
  t.false(json.some((c) => c.verdict === 'fail'), JSON.stringify(json));
  t.true(json.some((c) => c.name === 'disk' && c.verdict === 'ok'));
});
