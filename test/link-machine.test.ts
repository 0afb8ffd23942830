import test from 'ava';
import { createActor, initialTransition, transition, type EventFromLogic, type SnapshotFrom } from 'xstate';
import { linkMachine } from '../machines/link.ts';
import { MemClock } from './helpers/mem-clock.ts';
import { MemWorld, seedIdentity } from './helpers/mem-node.ts';

type Snap = SnapshotFrom<typeof linkMachine>;
type Ev = EventFromLogic<typeof linkMachine>;
type Logic = typeof linkMachine;

const after = (delay: string, state: string): Ev => ({ type: `xstate.after.${delay}.link.${state}` }) as unknown as Ev;
const actionTypes = (actions: { type: string }[]): string[] => actions.map((a) => a.type);
const delayOf = (actions: { type: string; params?: unknown }[]): number | undefined => {
  const raise = actions.find((a) => a.type === 'xstate.raise');
  return (raise?.params as { delay?: number } | undefined)?.delay;
};

const start = (logic: Logic = linkMachine, maxAttempts = 3): Snap => initialTransition(logic, { maxAttempts })[0];
const step = (logic: Logic, s: Snap, e: Ev) => transition(logic, s, e);
const to = (logic: Logic, s: Snap, ...events: Ev[]): Snap => events.reduce((acc, e) => transition(logic, acc, e)[0], s);

test('initial state is idle with zeroed counters and no side effects', (t) => {
  const [s, actions] = initialTransition(linkMachine, { maxAttempts: 4 });
  t.is(s.value, 'idle');
  t.deepEqual(s.context, { attempts: 0, failures: 0, maxAttempts: 4 });
  t.deepEqual(actionTypes(actions), []);
});

test('idle → handshaking on LINK.START when canInitiate: counts an attempt, sends an init, arms the retry timer', (t) => {
  const [s, actions] = step(linkMachine, start(), { type: 'LINK.START' });
  t.is(s.value, 'handshaking');
  t.is(s.context.attempts, 1);
  t.true(actionTypes(actions).includes('sendInit'));
  t.is(delayOf(actions), 1000);
});

test('idle stays idle on LINK.START when it cannot initiate (no endpoint), and sends nothing', (t) => {
  const logic = linkMachine.provide({ guards: { canInitiate: () => false } });
  const [s, actions] = step(logic, start(logic), { type: 'LINK.START' });
  t.is(s.value, 'idle');
  t.false(actionTypes(actions).includes('sendInit'));
  // A responder-only link goes up straight from idle when the peer's handshake completes.
  t.is(to(logic, s, { type: 'LINK.HANDSHAKE_DONE' }).value, 'up');
});

test('handshaking → up on LINK.HANDSHAKE_DONE: retry timer cancelled, keepalive armed, counters reset', (t) => {
  const hs = to(linkMachine, start(), { type: 'LINK.START' }, after('handshakeRetry', 'handshaking'));
  t.is(hs.context.attempts, 2);
  const [s, actions] = step(linkMachine, hs, { type: 'LINK.HANDSHAKE_DONE' });
  t.is(s.value, 'up');
  t.is(s.context.attempts, 0);
  t.is(s.context.failures, 0);
  t.true(actionTypes(actions).includes('xstate.cancel'));
  t.is(delayOf(actions), 5000);
});

test('up → rekeying on LINK.REKEY_NEEDED (sends an init), and rekeying → up on LINK.HANDSHAKE_DONE', (t) => {
  const up = to(linkMachine, start(), { type: 'LINK.START' }, { type: 'LINK.HANDSHAKE_DONE' });
  const [rk, actions] = step(linkMachine, up, { type: 'LINK.REKEY_NEEDED' });
  t.is(rk.value, 'rekeying');
  t.is(rk.context.attempts, 1);
  t.true(actionTypes(actions).includes('sendInit'));
  t.is(to(linkMachine, rk, { type: 'LINK.HANDSHAKE_DONE' }).value, 'up');
});

test('LINK.STOP from every state → idle, dropping sessions', (t) => {
  const logic = linkMachine.provide({ guards: { peerDead: () => true } });
  const s0 = start(logic);
  const states: Record<string, Snap> = {
    idle: s0,
    handshaking: to(logic, s0, { type: 'LINK.START' }),
    up: to(logic, s0, { type: 'LINK.START' }, { type: 'LINK.HANDSHAKE_DONE' }),
    rekeying: to(logic, s0, { type: 'LINK.START' }, { type: 'LINK.HANDSHAKE_DONE' }, { type: 'LINK.REKEY_NEEDED' }),
    down: to(logic, s0, { type: 'LINK.START' }, { type: 'LINK.HANDSHAKE_DONE' }, after('keepalive', 'up')),
  };
  for (const [name, s] of Object.entries(states)) {
    t.is(s.value as string, name, `reached ${name}`);
    const [stopped, actions] = step(logic, s, { type: 'LINK.STOP' });
    t.is(stopped.value, 'idle', `${name} → idle`);
    t.true(actionTypes(actions).includes('dropSessions'), `${name} drops sessions`);
  }
});

test('handshaking retries until attempts are exhausted, then goes down (dropSessions, failure counted)', (t) => {
  let s = to(linkMachine, start(linkMachine, 3), { type: 'LINK.START' });
  for (let i = 2; i <= 3; i++) {
    const [n, actions] = step(linkMachine, s, after('handshakeRetry', 'handshaking'));
    t.is(n.value, 'handshaking');
    t.is(n.context.attempts, i);
    t.true(actionTypes(actions).includes('sendInit'), `attempt ${i} sends an init`);
    s = n;
  }
  const [down, actions] = step(linkMachine, s, after('handshakeRetry', 'handshaking'));
  t.is(down.value, 'down');
  t.is(down.context.failures, 1);
  t.is(down.context.attempts, 0);
  t.true(actionTypes(actions).includes('dropSessions'));
  t.false(actionTypes(actions).includes('sendInit'));
  t.is(delayOf(actions), 1000, 'first backoff');
});

test('down: backoff doubles per failure up to the cap, and goes back to handshaking when it can initiate', (t) => {
  let s = to(linkMachine, start(linkMachine, 1), { type: 'LINK.START' });
  const delays: number[] = [];
  for (let i = 0; i < 7; i++) {
    const [down, actions] = step(linkMachine, s, after('handshakeRetry', 'handshaking'));
    t.is(down.value, 'down');
    delays.push(delayOf(actions)!);
    const [hs, a2] = step(linkMachine, down, after('backoff', 'down'));
    t.is(hs.value, 'handshaking');
    t.true(actionTypes(a2).includes('sendInit'));
    s = hs;
  }
  t.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  const stuck = linkMachine.provide({ guards: { canInitiate: () => false } });
  const down = to(stuck, start(stuck), { type: 'LINK.HANDSHAKE_DONE' }, { type: 'LINK.STOP' });
  t.is(down.value, 'idle');
});

test('up keepalive timer: dead peer → down; rekey due → rekeying; otherwise tick and stay up', (t) => {
  const mk = (dead: boolean, rekey: boolean) => linkMachine.provide({ guards: { peerDead: () => dead, rekeyDue: () => rekey } });
  const upIn = (logic: Logic) => to(logic, start(logic), { type: 'LINK.START' }, { type: 'LINK.HANDSHAKE_DONE' });
  const dead = mk(true, true);
  t.is(to(dead, upIn(dead), after('keepalive', 'up')).value, 'down', 'peerDead wins over rekeyDue');
  const rekey = mk(false, true);
  t.is(to(rekey, upIn(rekey), after('keepalive', 'up')).value, 'rekeying');
  const alive = mk(false, false);
  const [s, actions] = step(alive, upIn(alive), after('keepalive', 'up'));
  t.is(s.value, 'up');
  t.true(actionTypes(actions).includes('tick'));
  t.is(delayOf(actions), 5000, 'keepalive re-armed');
});

test('rekeying: a dead peer or exhausted attempts → down; otherwise keep retrying and keep pinging', (t) => {
  const mk = (dead: boolean) => linkMachine.provide({ guards: { peerDead: () => dead } });
  const rekeyIn = (logic: Logic) => to(logic, start(logic, 2), { type: 'LINK.START' }, { type: 'LINK.HANDSHAKE_DONE' }, { type: 'LINK.REKEY_NEEDED' });
  const dead = mk(true);
  t.is(to(dead, rekeyIn(dead), after('handshakeRetry', 'rekeying')).value, 'down');
  const alive = mk(false);
  const [r2, actions] = step(alive, rekeyIn(alive), after('handshakeRetry', 'rekeying'));
  t.is(r2.value, 'rekeying');
  t.is(r2.context.attempts, 2);
  t.true(actionTypes(actions).includes('tick'));
  t.true(actionTypes(actions).includes('sendInit'));
  t.is(to(alive, r2, after('handshakeRetry', 'rekeying')).value, 'down', 'attempts exhausted');
});

test('a running actor takes its delayed transitions only from the injected clock', async (t) => {
  const clock = new MemClock();
  let inits = 0;
  const logic = linkMachine.provide({
    actions: { sendInit: () => { inits++; } },
    delays: { handshakeRetry: 10, backoff: 50, keepalive: 20 },
  });
  const actor = createActor(logic, { clock, input: { maxAttempts: 3 } });
  actor.start();
  actor.send({ type: 'LINK.START' });
  t.is(actor.getSnapshot().value, 'handshaking');
  t.is(inits, 1);
  t.is(clock.pending, 1, 'the retry timer lives on the fake clock');
  // Real time passes well beyond every delay: nothing happens.
  await new Promise((r) => setTimeout(r, 80));
  t.is(actor.getSnapshot().value, 'handshaking');
  t.is(inits, 1);
  clock.advance(9);
  t.is(inits, 1);
  clock.advance(1);
  t.is(inits, 2);
  clock.advance(10);
  t.is(inits, 3);
  t.is(actor.getSnapshot().context.attempts, 3);
  clock.advance(10);
  t.is(actor.getSnapshot().value, 'down');
  clock.advance(49);
  t.is(actor.getSnapshot().value, 'down');
  clock.advance(1);
  t.is(actor.getSnapshot().value, 'handshaking');
  t.is(inits, 4);
  actor.send({ type: 'LINK.HANDSHAKE_DONE' });
  t.is(actor.getSnapshot().value, 'up');
  actor.send({ type: 'LINK.STOP' });
  t.is(actor.getSnapshot().value, 'idle');
  t.is(clock.pending, 0, 'stopping cancels every timer on the clock');
  actor.stop();
});

test('a link actor to an unreachable peer: retries on the node clock, goes down, backs off with jitter, tries again', (t) => {
  const w = new MemWorld();
  const cfg = { handshakeRetryMs: 100, handshakeAttempts: 3, backoffBaseMs: 1000, backoffMaxMs: 4000 };
  const a = w.node('A', seedIdentity(1), cfg);
  const ghost = seedIdentity(2);
  const link = a.node.addPeer(ghost.address, a.carrier, 'nowhere');
  const seen: { t: number; to: string }[] = [];
  a.node.linkEvents$.subscribe((e) => seen.push({ t: e.t, to: e.to }));
  a.node.start();
  t.is(link.state, 'handshaking');
  w.clock.advance(299);
  t.is(link.state, 'handshaking');
  t.is(a.carrier.sent, 3, 'three inits, one per retry');
  w.clock.advance(1);
  t.is(link.state, 'down');
  w.clock.advanceUntil(() => link.state === 'handshaking', 2000, 1);
  t.is(link.state, 'handshaking');
  const backoff1 = seen[2]!.t - seen[1]!.t;
  t.true(backoff1 >= 800 && backoff1 <= 1200, `first backoff ${backoff1} within base ±20%`);
  w.clock.advance(300);
  t.is(link.state, 'down');
  w.clock.advanceUntil(() => link.state === 'handshaking', 5000, 1);
  const backoff2 = seen[4]!.t - seen[3]!.t;
  t.true(backoff2 >= 1600 && backoff2 <= 2400, `second backoff ${backoff2} doubles`);
  t.deepEqual(seen.slice(0, 5).map((e) => e.to), ['handshaking', 'down', 'handshaking', 'down', 'handshaking']);
  a.node.stop();
  t.is(link.state, 'idle');
  const sent = a.carrier.sent;
  w.clock.advance(60_000); // lets the last in-flight init land; no link timer may fire
  t.is(a.carrier.sent, sent, 'nothing sent after stop');
  t.is(w.clock.pending, 0, 'no timers left after stop');
});
