import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sky, skyDaemon, tmpHome, until, type Daemon } from './helpers/cli.ts';
import { freeUdpPorts } from './helpers/free-port.ts';

// Three real node processes on loopback UDP in a line a - b - c; SMS from a to c through b.
interface Line { homes: Record<string, string>; addr: Record<string, string>; start(n: string): Daemon; daemons: Record<string, Daemon> }

const line = async (t: { teardown(fn: () => void): void }, label: string): Promise<Line> => {
  const names = ['a', 'b', 'c'];
  const ports = await freeUdpPorts(names.length);
  const homes = Object.fromEntries(names.map((n) => [n, tmpHome(`sms${label}${n}`)]));
  const addr: Record<string, string> = {};
  for (const n of names) {
    sky('init', '--home', homes[n]!);
    addr[n] = (JSON.parse(sky('id', '--home', homes[n]!, '--json').stdout) as { address: string }).address;
  }
  const port = (n: string): number => ports[names.indexOf(n)]!;
  const neighbours: Record<string, string[]> = { a: ['b'], b: ['a', 'c'], c: ['b'] };
  for (const n of names) {
    const peers = neighbours[n]!.map((p) => `${addr[p]}@127.0.0.1:${port(p)}`);
    writeFileSync(join(homes[n]!, 'config.json'), JSON.stringify({ version: 1, name: n, listen: `127.0.0.1:${port(n)}`, peers, link: { keepaliveMs: 500, deadAfterMs: 2000 } }));
  }
  const daemons: Record<string, Daemon> = {};
  t.teardown(() => { for (const d of Object.values(daemons)) d.proc.kill('SIGKILL'); });
  const start = (n: string): Daemon => (daemons[n] = skyDaemon('node', '--home', homes[n]!));
  return { homes, addr, start, daemons };
};

const json = <T>(...args: string[]): T | undefined => {
  const r = sky(...args);
  return r.code === 0 ? (JSON.parse(r.stdout) as T) : undefined;
};
interface Sent { id: string; state: string }
const sent = (home: string): Sent[] => json<{ sent: Sent[] }>('sms', 'outbox', '--home', home, '--json')?.sent ?? [];
const inbox = (home: string): { id: string; text: string; fromName: string | null }[] => json('sms', 'inbox', '--home', home, '--json') ?? [];
const relaying = (home: string): number => json<{ relaying: number }>('sms', 'outbox', '--home', home, '--json')?.relaying ?? 0;
const ready = (home: string): Promise<true> => until(() => (sky('status', '--home', home).code === 0 ? true : undefined), 15_000, `node ${home}`);
const sendSms = (home: string, to: string, text: string): Sent => {
  const r = sky('sms', 'send', to, text, '--home', home, '--json');
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Sent;
};

test.serial('a sends to c over two hops by contact name; c reads it once and the receipt comes back', async (t) => {
  const l = await line(t, 'x');
  for (const n of ['a', 'b', 'c']) l.start(n);
  for (const n of ['a', 'b', 'c']) await ready(l.homes[n]!);
  t.is(sky('sms', 'contacts', 'add', 'carol', l.addr.c!, '--home', l.homes.a!).code, 0);
  t.is(sky('sms', 'contacts', 'add', 'alice', l.addr.a!, '--home', l.homes.c!).code, 0);
  t.deepEqual(json('sms', 'contacts', '--home', l.homes.a!, '--json'), { carol: l.addr.c });
  const text = 'Water is rising near the bridge. We are safe at the school gym, 40 people. Need blankets and drinking water. Ünïcode too: 日本';
  const m = sendSms(l.homes.a!, 'carol', text);
  t.is(m.state, 'queued');
  await until(() => (inbox(l.homes.c!).length > 0 ? true : undefined), 30_000, 'message at c');
  await until(() => (sent(l.homes.a!)[0]?.state === 'delivered' ? true : undefined), 30_000, 'receipt at a');
  const got = inbox(l.homes.c!);
  t.is(got.length, 1);
  t.is(got[0]!.text, text);
  t.is(got[0]!.fromName, 'alice');
  t.is(got[0]!.id, m.id);
  t.regex(sky('sms', 'inbox', '--home', l.homes.c!).stdout, /alice: Water is rising/);
  t.regex(sky('sms', 'outbox', '--home', l.homes.a!).stdout, /^delivered/m);
});

// b learns c's links while c is up; c then goes away: a's copy moves to b, the node c was last
// linked to, which holds it until c is back.
const lineWithCAway = async (t: { teardown(fn: () => void): void }, label: string): Promise<Line> => {
  const l = await line(t, label);
  for (const n of ['a', 'b', 'c']) l.start(n);
  for (const n of ['a', 'b', 'c']) await ready(l.homes[n]!);
  await until(() => (json<{ state: string }>('route', l.addr.c!, '--home', l.homes.a!, '--json')?.state === 'established' ? true : undefined), 20_000, 'a knows c');
  l.daemons.c!.proc.kill('SIGTERM');
  await l.daemons.c!.exited;
  return l;
};

test.serial('c is offline: b holds the message and delivers it when c comes back', async (t) => {
  const l = await lineWithCAway(t, 'y');
  const m = sendSms(l.homes.a!, l.addr.c!, 'are you there?');
  await until(() => (sent(l.homes.a!)[0]?.state === 'forwarded' ? true : undefined), 30_000, 'b took custody');
  t.is(relaying(l.homes.b!), 1);
  await new Promise((r) => setTimeout(r, 4000)); // c stays away a while; b keeps it
  t.is(relaying(l.homes.b!), 1);
  l.start('c');
  await until(() => (inbox(l.homes.c!).length > 0 ? true : undefined), 30_000, 'message at c');
  await until(() => (sent(l.homes.a!)[0]?.state === 'delivered' ? true : undefined), 30_000, 'receipt at a');
  t.deepEqual(inbox(l.homes.c!).map((x) => x.id), [m.id]);
  await until(() => (relaying(l.homes.b!) === 0 ? true : undefined), 10_000, 'b empty');
});

test.serial('b is killed (-9) while it holds the message; after its restart c gets it exactly once', async (t) => {
  const l = await lineWithCAway(t, 'z');
  const ids = [sendSms(l.homes.a!, l.addr.c!, 'first').id, sendSms(l.homes.a!, l.addr.c!, 'second').id];
  await until(() => (sent(l.homes.a!).every((s) => s.state === 'forwarded') ? true : undefined), 30_000, 'b took custody');
  t.is(relaying(l.homes.b!), 2);
  l.daemons.b!.proc.kill('SIGKILL');
  await l.daemons.b!.exited;
  l.start('c');
  await ready(l.homes.c!);
  await new Promise((r) => setTimeout(r, 1000));
  t.deepEqual(inbox(l.homes.c!), [], 'nothing can reach c while b is down');
  l.start('b');
  await until(() => (sent(l.homes.a!).every((s) => s.state === 'delivered') ? true : undefined), 40_000, 'receipts at a');
  await new Promise((r) => setTimeout(r, 2000)); // any duplicate in flight would land by now
  t.deepEqual(inbox(l.homes.c!).map((x) => x.id).sort(), [...ids].sort());
  t.deepEqual(inbox(l.homes.c!).map((x) => x.text).sort(), ['first', 'second']);
});
