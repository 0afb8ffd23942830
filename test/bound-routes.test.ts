// Bounded state, routes: a neighbour's node sets up 10,000 routes with new conversation IDs,
// closing each (first test) or leaving each silent (second). Conversations and their stream
// muxes go when closed, swept or replaced; the destination's conversations and the relay's
// table stay under their caps; and a legitimate stream through the same relay keeps flowing.
import test from 'ava';
import type { Duplex } from 'node:stream';
import { MemWorld, seedIdentity, type MemNode } from './helpers/mem-node.ts';
import { heapMb } from './helpers/heap.ts';
import { Overlay } from '../src/overlay/overlay.ts';
import type { RouteConfig } from '../src/route/router-ctx.ts';
import { buildAttempt } from '../src/route/route-attempt.ts';
import { encodeClose } from '../src/route/route-wire.ts';
import { parseAddress } from '../src/identity/address.ts';

const ATTEMPTS = 10_000;
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

interface ONode extends MemNode { o: Overlay }

/** x and s (the legitimate source) both reach d through the relay r; d listens on port 7. */
const world = async (route: Partial<RouteConfig> = {}) => {
  const w = new MemWorld(5);
  const mk = (name: string, i: number): ONode => {
    const m = w.node(name, seedIdentity(300 + i));
    return { ...m, o: new Overlay(m.node, { route }) };
  };
  const [x, s, r, d] = [mk('x', 0), mk('s', 1), mk('r', 2), mk('d', 3)];
  w.peer(x, r);
  w.peer(s, r);
  w.peer(r, d);
  for (const n of [x, s, r, d]) n.node.start();
  const got: string[] = [];
  let accepted = 0;
  d.o.listen(7, 'anyone', (stream) => {
    accepted++;
    stream.on('data', (b: Buffer) => got.push(b.toString()));
  });
  const ok = (): boolean => [x, s].every((n) => n.o.topology.pathTo(d.identity.address)?.length === 3);
  for (let i = 0; i < 20_000 && !ok(); i += 10) w.clock.advance(10);
  if (!ok()) throw new Error('topology did not converge');
  // The legitimate stream, open before the attack and written to all through it.
  const legit: Duplex = s.o.dial(d.identity.address, 7);
  let legitError: unknown;
  legit.on('error', (e) => (legitError = e));
  let sent = '';
  const write = (text: string): void => {
    sent += text;
    legit.write(text);
  };
  write('hello;');
  for (let i = 0; i < 200 && got.join('') !== sent; i++) {
    w.clock.advance(5);
    await turn();
  }
  return { w, x, s, r, d, got, write, sentText: () => sent, accepted: () => accepted, legitError: () => legitError };
};

/**
 * The attacker at x: a route setup to d through r with a fresh conversation ID, built as a
 * source builds it (onion, signed end-to-end init) but without a route actor, and without
 * finishing the end-to-end handshake: d and r pay full price, x as little as it can.
 * Returns a function that sends Close once d's ack has passed r (r forwards a Close only then).
 */
const attackSetup = (x: ONode, r: ONode, d: ONode, i: number): (() => boolean) => {
  let remoteId = 0;
  const handler = { onAck: (senderId: number) => void (remoteId = senderId), onData: () => {}, onDirect: () => {}, onBroken: () => {}, onClose: () => {} };
  const convId = (0x10_0000_0000 + i).toString(16).padStart(16, '0');
  const path = [x.identity.address, r.identity.address, d.identity.address];
  const a = buildAttempt(x.o.router.ctx, path, parseAddress(d.identity.address), convId, handler, x.node.clock.wallMs())!;
  x.node.sendTo(r.identity.address, a.setup);
  return () => {
    x.o.router.table.remove(a.myId);
    return remoteId !== 0 && x.node.sendTo(r.identity.address, encodeClose(remoteId));
  };
};

/** Steps virtual time, letting Node's stream machinery run between steps. */
const settle = async (w: MemWorld, ms: number, step = 10): Promise<void> => {
  for (let t = 0; t < ms; t += step) {
    w.clock.advance(step);
    await turn();
  }
};

test('10,000 route setups and closes with new conversation IDs: conversations and muxes are freed at d and the relay, the legitimate stream keeps flowing', async (t) => {
  const { w, x, r, d, got, write, sentText, legitError } = await world();
  let max = { inbound: 0, dMux: 0, rTable: 0, dTable: 0 };
  let atThousand = 0;
  let closed = 0;
  const before = heapMb();
  for (let i = 0; i < ATTEMPTS; i++) {
    const close = attackSetup(x, r, d, i);
    w.clock.advance(25); // setup there, ack back: one round trip over two 5 ms hops
    max = {
      inbound: Math.max(max.inbound, d.o.router.inbound.size), dMux: Math.max(max.dMux, d.o.conversations),
      rTable: Math.max(max.rTable, r.o.router.table.byId.size), dTable: Math.max(max.dTable, d.o.router.table.byId.size),
    };
    if (close()) closed++;
    w.clock.advance(15);
    if (i % 100 === 99) {
      write(`m${i};`);
      await turn();
    }
    if (i === 999) atThousand = heapMb();
  }
  await settle(w, 500);
  t.log('largest sizes during the attack', max, `closed ${closed}`);
  t.is(closed, ATTEMPTS, 'every setup was acked');
  t.true(max.inbound <= 2 && max.dMux <= 2, 'd: the legitimate conversation and the attacker\'s current one');
  t.true(max.rTable <= 2 && max.dTable <= 2);
  t.is(d.o.router.inbound.size, 1);
  t.is(d.o.conversations, 1);
  t.is(r.o.router.table.byId.size, 1, 'r: the legitimate route only');
  t.is(got.join(''), sentText(), 'the legitimate stream delivered everything, in order');
  t.is(legitError(), undefined);
  const flat = heapMb() - atThousand;
  t.log(`heap: +${(atThousand - before).toFixed(1)} MB over the first 1,000 attempts, +${flat.toFixed(1)} MB over the other 9,000`);
  t.true(flat < 10, `heap grew ${flat.toFixed(1)} MB`);
});

test('the source side: routes closed or replaced take their conversation and mux with them', async (t) => {
  const { w, x, d } = await world();
  const dest = d.identity.address;
  for (let i = 0; i < 300; i++) {
    const route = x.o.router.route(dest);
    for (let k = 0; k < 40 && route.state !== 'established'; k++) w.clock.advance(2);
    t.is(route.state, 'established');
    t.true(x.o.conversations <= 1);
    if (i % 2 === 0) x.o.router.close(dest); // closed: Close sent, route forgotten
    else route.close(); // dropped without a word: the next route() replaces it
    w.clock.advance(20);
    if (i % 50 === 49) await turn();
  }
  x.o.router.close(dest);
  await settle(w, 100);
  t.is(x.o.conversations, 0);
  t.is(x.o.router.routes.size, 0);
  t.true(d.o.router.inbound.size <= 151, `d: ${d.o.router.inbound.size} (the silent half waits for the sweep)`);
});

test('10,000 route setups left silent: the destination\'s conversations and the relay\'s entries per neighbour stay under their caps, idle ones are evicted and swept, the legitimate stream keeps flowing', async (t) => {
  const maxInbound = 200;
  const maxRoutesPerNeighbour = 500;
  const { w, x, s, r, d, got, write, sentText, legitError, accepted } = await world({ maxInbound, maxRoutesPerNeighbour });
  let max = { inbound: 0, dMux: 0, rFromX: 0, rTable: 0 };
  let atThousand = 0;
  const before = heapMb();
  for (let i = 0; i < ATTEMPTS; i++) {
    // A setup with a fresh conversation ID that is never used or closed.
    attackSetup(x, r, d, i)(); // the entry at x goes; nothing is said to r or d
    w.clock.advance(10);
    max = {
      inbound: Math.max(max.inbound, d.o.router.inbound.size), dMux: Math.max(max.dMux, d.o.conversations),
      rFromX: Math.max(max.rFromX, r.o.router.table.ownedBy(x.identity.address)), rTable: Math.max(max.rTable, r.o.router.table.byId.size),
    };
    if (i % 100 === 99) {
      write(`m${i};`);
      await turn();
    }
    if (i === 999) atThousand = heapMb();
  }
  await settle(w, 1000);
  const dd = d.node.drops as Record<string, number>;
  const rd = r.node.drops as Record<string, number>;
  t.log('largest sizes during the attack', max, 'd drops', { full: dd['route-conv-full'], evicted: dd['route-conv-evicted'] }, 'r drops', { full: rd['route-table-full'] });
  t.true(max.inbound <= maxInbound && max.dMux <= maxInbound + 1, `d: conversations at most ${max.inbound}, muxes ${max.dMux}`);
  t.true(max.rFromX <= maxRoutesPerNeighbour, `r: entries from x at most ${max.rFromX}`);
  t.true(dd['route-conv-evicted']! > 0 && dd['route-conv-full']! > 0, 'd evicted idle ones and refused while none was idle');
  t.true(rd['route-table-full']! > 0, 'r refused x beyond its share');
  t.is(got.join(''), sentText(), 'the legitimate stream delivered everything, in order');
  t.is(legitError(), undefined);
  t.is(accepted(), 1);
  // Quiet again: every one of x's conversations is swept at d, and its entries at r.
  const cfg = d.o.router.ctx.config;
  await settle(w, cfg.repairTimeoutMs + 14 * cfg.keepaliveMs, 100);
  t.is(d.o.router.inbound.size, 1, 'only the legitimate conversation is left at d');
  t.is(d.o.conversations, 1);
  t.is(r.o.router.table.ownedBy(x.identity.address), 0);
  write('bye;');
  await settle(w, 200);
  t.is(got.join(''), sentText());
  t.is(s.o.routes()[0]?.state, 'established');
  const flat = heapMb() - atThousand;
  t.log(`heap: +${(atThousand - before).toFixed(1)} MB over the first 1,000 attempts, +${flat.toFixed(1)} MB over the other 9,000`);
  t.true(flat < 10, `heap grew ${flat.toFixed(1)} MB`);
});
