// The dashboard's login, its live feed and what nodes may report, in-process: the master's
// registration server on in-memory streams (as bench/master-registry-load.ts), a manual clock.
import test from 'ava';
import { Duplex } from 'node:stream';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { identityFromSeed, type Identity } from '../src/identity/identity.ts';
import { jsonFrame } from '../src/command/frames.ts';
import { signRegistration } from '../src/master/registration-wire.ts';
import { Registry } from '../src/master/registry.ts';
import { MasterService } from '../src/master/master-service.ts';
import { MAX_LINKS_PER_NODE, MAX_PENDING } from '../src/master/registration-server.ts';
import type { Overlay, StreamHandler } from '../src/overlay/overlay.ts';
import { WebAuth, cookieValue, MAX_SESSIONS, SESSION_IDLE_MS, LOGIN_FAILURES_PER_MINUTE } from '../src/web/web-auth.ts';
import { FleetFeed, BACKLOG_BYTES } from '../src/web/fleet-feed.ts';
import { MemClock } from './helpers/mem-clock.ts';
import { tmpHome } from './helpers/cli.ts';

const suite = nodeSuite();

const world = async (mode: 'auto' | 'approval' = 'auto') => {
  const self = identityFromSeed(suite, new Uint8Array(32).fill(1));
  const clock = new MemClock();
  let handler: StreamHandler | undefined;
  const overlay = {
    address: self.address, node: { suite, identity: self, clock, address: self.address, name: 'master' },
    listen: (_p: number, _a: unknown, h: StreamHandler) => { handler = h; },
    topology: { pathTo: (a: string) => [self.address, a] },
    router: { close: () => undefined },
    // Membership is not under test here: every call is a no-op.
    membership: new Proxy({ enforced: true }, { get: (o, k) => (k in o ? (o as Record<string | symbol, unknown>)[k] : () => undefined) }),
  } as unknown as Overlay;
  const registry = await Registry.open(tmpHome('feed'), clock);
  const master = new MasterService(overlay, registry, { mode, allow: [], offlineAfterMs: 10_000 });
  let seed = 2;
  const connect = (links: Record<string, { state: string; rttMs: number | null }> = {}, metrics?: unknown): { id: Identity; stream: Duplex; sent: Buffer[] } => {
    const s = new Uint8Array(32);
    new DataView(s.buffer).setUint32(0, seed++);
    const id = identityFromSeed(suite, s);
    const sent: Buffer[] = [];
    const stream = new Duplex({ read() {}, write(c: Buffer, _e, cb) { sent.push(c); cb(); } });
    handler!(stream, { peer: id.address, port: 1, caller: { peer: id.address, member: false, role: null, name: null } });
    stream.push(jsonFrame(signRegistration(suite, id.secretKey, {
      v: 1, address: id.address, publicKey: Buffer.from(id.publicKey).toString('base64'), name: `n${seed}`, version: '0.1.0',
      configVersion: 0, commandSeq: 0, issuedAtMs: clock.wallMs(), links, routes: {}, ...(metrics === undefined ? {} : { metrics: metrics as never }),
    })));
    return { id, stream, sent };
  };
  const settle = async (): Promise<void> => { for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r)); };
  return { clock, registry, master, connect, settle, self };
};

test('login: a wrong token is refused and counted; ten failures a minute throttle even the right one; sessions are bounded and expire', (t) => {
  const clock = new MemClock();
  let n = 0;
  const auth = new WebAuth('t'.repeat(43), clock, () => `r${n++}`.padEnd(43, 'x'));
  t.deepEqual(auth.login('nope'), { ok: false, reason: 'bad-token' });
  t.deepEqual(auth.login(undefined), { ok: false, reason: 'bad-token' });
  const ok = auth.login('t'.repeat(43));
  t.true(ok.ok);
  const s = ok.ok ? ok.session : undefined;
  t.is(auth.session(`a=b; skywire_session=${s!.id}`), s);
  t.true(auth.csrfOk(s!, s!.csrf));
  t.false(auth.csrfOk(s!, 'x'.repeat(s!.csrf.length)));
  t.false(auth.csrfOk(s!, undefined));
  for (let i = 0; i < LOGIN_FAILURES_PER_MINUTE; i++) auth.login('guess');
  t.deepEqual(auth.login('t'.repeat(43)), { ok: false, reason: 'throttled' });
  clock.advance(61_000);
  t.true(auth.login('t'.repeat(43)).ok, 'a minute later the right token works again');
  // The table is bounded: the least recently used goes first.
  for (let i = 0; i < MAX_SESSIONS + 5; i++) auth.login('t'.repeat(43));
  t.is(auth.sessionCount, MAX_SESSIONS);
  t.true(auth.counters.sessionsEvicted > 0);
  t.is(auth.session(`skywire_session=${s!.id}`), undefined, 'the oldest session was evicted');
  const last = auth.login('t'.repeat(43));
  clock.advance(SESSION_IDLE_MS + 1);
  t.is(auth.session(`skywire_session=${last.ok ? last.session.id : ''}`), undefined, 'idle sessions expire');
  t.is(cookieValue('x=1; skywire_session=abc ;y=2', 'skywire_session'), 'abc');
  t.is(cookieValue(undefined, 'skywire_session'), undefined);
});

test('feed: one snapshot, then only changed rows; a node going silent is sent as offline with no event; a page that falls behind gets one fresh snapshot once drained', async (t) => {
  const w = await world();
  const a = w.connect({ peer1: { state: 'up', rttMs: 10 } });
  const b = w.connect();
  await w.settle();
  const feed = new FleetFeed(w.master, w.clock, 250).start();
  t.teardown(() => feed.stop());
  const got: { t: string; set?: { address: string; online: boolean }[]; nodes?: unknown[] }[] = [];
  let buffered = 0;
  const page = { send: (text: string) => { got.push(JSON.parse(text) as never); }, get bufferedAmount() { return buffered; } };
  t.true(feed.add(page));
  t.is(got[0]!.t, 'snapshot');
  t.is(got[0]!.nodes!.length, 2);
  // A heartbeat from a (a second later, so its last-seen moves): a delta with a alone.
  w.clock.advance(1000);
  a.stream.push(jsonFrame({ type: 'heartbeat', configVersion: 0, links: { set: { peer1: { state: 'up', rttMs: 20 } }, removed: [] }, routes: { set: {}, removed: [] } }));
  await w.settle();
  w.clock.advance(300);
  const d1 = got.at(-1)!;
  t.is(d1.t, 'delta');
  t.deepEqual(d1.set!.map((r) => r.address), [a.id.address]);
  // Silence: past offlineAfterMs both go offline, though nothing happened.
  w.clock.advance(11_000);
  const offline = got.filter((m) => m.t === 'delta').flatMap((m) => m.set!).filter((r) => !r.online).map((r) => r.address).sort();
  t.deepEqual(offline, [a.id.address, b.id.address].sort());
  // Backlog: nothing while over the bound, then a snapshot.
  const before = got.length;
  buffered = BACKLOG_BYTES + 1;
  a.stream.push(jsonFrame({ type: 'heartbeat', configVersion: 0, links: { set: {}, removed: [] }, routes: { set: {}, removed: [] } }));
  await w.settle();
  w.clock.advance(300);
  t.is(got.length, before, 'nothing sent to a page that is behind');
  t.is(feed.counters.backlogged, 1);
  buffered = 0;
  w.clock.advance(300);
  t.is(got.at(-1)!.t, 'snapshot');
});

test('what a node reports is bounded: links past the table bound are dropped and counted, bad metrics fields refused, pending registrations capped with the oldest evicted', async (t) => {
  const w = await world('approval');
  const many = Object.fromEntries(Array.from({ length: MAX_LINKS_PER_NODE + 10 }, (_, i) => [`p${i}`, { state: 'up', rttMs: 1 }]));
  const big = w.connect(many, { cpuPct: 500, memTotalMB: 100, apps: { 'Bad Name': { state: 'x', version: null } }, extra: 1 });
  await w.settle();
  const r = w.registry.get(big.id.address)!;
  t.is(Object.keys(r.links).length, MAX_LINKS_PER_NODE);
  t.is(w.master.server.refused['table-full'], 10);
  t.deepEqual(r.metrics, { memTotalMB: 100 }, 'only the valid field is kept');
  t.is(w.master.server.refused['bad-metrics'], 3);
  // A long state string is not a link.
  big.stream.push(jsonFrame({ type: 'heartbeat', configVersion: 0, links: { set: { p0: { state: 'x'.repeat(1000), rttMs: 1 } }, removed: [] }, routes: { set: {}, removed: [] } }));
  await w.settle();
  t.is(w.registry.get(big.id.address)!.links.p0!.state, 'up');
  // Strangers registering without end: pending records stay at the cap.
  w.clock.advance(1000);
  for (let i = 0; i < MAX_PENDING + 5; i++) { w.connect(); if (i % 100 === 0) await w.settle(); }
  await w.settle();
  const pending = Object.values(w.registry.nodes).filter((n) => n.enrolment === 'pending');
  t.is(pending.length, MAX_PENDING);
  t.is(w.master.server.refused['pending-evicted'], 6);
  t.is(w.registry.get(big.id.address), undefined, 'the pending record seen longest ago went first');
});

test('feed: with no page open nothing is kept per change; the first page gets the fleet as it is then', async (t) => {
  const w = await world();
  const feed = new FleetFeed(w.master, w.clock, 250).start();
  t.teardown(() => feed.stop());
  for (let i = 0; i < 200; i++) w.connect();
  await w.settle();
  w.clock.advance(1000);
  t.is((feed as unknown as { dirty: Set<string> }).dirty.size, 0, 'no per-change state while no page is open');
  const got: { t: string; nodes?: unknown[]; set?: unknown[] }[] = [];
  feed.add({ send: (text) => { got.push(JSON.parse(text) as never); }, bufferedAmount: 0 });
  t.is(got[0]!.nodes!.length, 200);
  w.clock.advance(300);
  t.is(got.length, 1, 'and no delta repeats what the snapshot said');
});
