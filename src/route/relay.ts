// What a relay does with route messages: install state on setup, learn the next ID on the ack,
// relabel data both ways, and pass breaks and closes along while forgetting the route.
import { addressToString } from '../identity/address.ts';
import { seal } from '../link/aead.ts';
import type { Peeled } from './setup-onion.ts';
import { SetupNonce } from './setup-onion.ts';
import type { RelayEntry } from './route-table.ts';
import { encodeReply, encodeSetup, relabel, REPLY_FIXED_BYTES, RouteMsg, type Reply, type Setup } from './route-wire.ts';
import type { RouterCtx } from './router-ctx.ts';
import { neighbourOf } from '../overlay/link-layer.ts';

/** Lost: the next hop is up but restarted and forgot the route; the source should not avoid it. */
/** NotMember: fleet membership refused the route (src/membership/route-gate.ts): no retry. */
export const BrokenReason = { NextDown: 1, NoLink: 2, Expired: 3, Lost: 4, NotMember: 5 } as const;

/** A break notice for the source, sealed so that only it learns which hop reported. */
export const brokenToSource = (ctx: RouterCtx, routeId: number, myId: number, hopKey: Uint8Array, reason: number): Uint8Array =>
  encodeReply({ type: RouteMsg.Broken, routeId, senderId: myId, pathMtu: 0, sealed: seal(hopKey, SetupNonce.Broken, new Uint8Array(0), Uint8Array.of(reason)) });

/** Toward the destination the notice carries nothing: the source will set up a new route. */
export const brokenToDest = (ctx: RouterCtx, routeId: number, myId: number): Uint8Array =>
  encodeReply({ type: RouteMsg.Broken, routeId, senderId: myId, pathMtu: 0, sealed: ctx.layer.random.bytes(17) });

export const relaySetup = (ctx: RouterCtx, from: string, s: Setup, hopKey: Uint8Array, peeled: Peeled): void => {
  const next = addressToString(peeled.next);
  const myId = ctx.table.allocate();
  const out = neighbourOf(ctx.layer, next);
  const pathMtu = Math.min(s.pathMtu, out?.payloadMtu ?? s.pathMtu);
  const forwarded = encodeSetup({ routeId: 0, senderId: myId, pathMtu, ephemeral: s.ephemeral, slots: peeled.rest, sealed: s.sealed });
  // Fleet membership: no route between strangers (src/membership/route-gate.ts).
  if (!ctx.gate.relay(from, next)) {
    ctx.layer.countDrop('route-not-member');
    ctx.layer.sendTo(from, brokenToSource(ctx, s.senderId, myId, hopKey, BrokenReason.NotMember));
    return;
  }
  if (next === from || next === ctx.layer.address || !ctx.layer.sendTo(next, forwarded)) {
    ctx.layer.countDrop('route-no-link');
    ctx.layer.sendTo(from, brokenToSource(ctx, s.senderId, myId, hopKey, BrokenReason.NoLink));
    return;
  }
  const e: RelayEntry = { kind: 'relay', myId, prevPeer: from, prevId: s.senderId, nextPeer: next, nextId: 0, hopKey, forwarded, lastUsed: ctx.layer.clock.now(), dataIn: 0, dataOut: 0 };
  ctx.table.add(e, `${from}|${s.senderId}`);
  ctx.trace('route.relay', { route: myId });
};

/** The source retransmitted its setup: pass the same bytes on (the next hop dedupes too). */
export const relaySetupAgain = (ctx: RouterCtx, e: RelayEntry): void => {
  if (!ctx.layer.sendTo(e.nextPeer, e.forwarded)) ctx.layer.countDrop('route-no-link');
};

export const relayAck = (ctx: RouterCtx, from: string, e: RelayEntry, r: Reply): void => {
  if (from !== e.nextPeer) return ctx.layer.countDrop('route-wrong-link');
  if (e.nextId !== r.senderId) {
    e.nextId = r.senderId;
    ctx.table.changed();
  }
  e.lastUsed = ctx.layer.clock.now();
  ctx.layer.sendTo(e.prevPeer, encodeReply({ ...r, routeId: e.prevId, senderId: e.myId }));
};

export const relayData = (ctx: RouterCtx, from: string, e: RelayEntry, packet: Uint8Array): void => {
  const forward = from === e.prevPeer;
  if (!forward && from !== e.nextPeer) return ctx.layer.countDrop('route-wrong-link');
  if (forward && e.nextId === 0) return ctx.layer.countDrop('route-not-ready');
  e.lastUsed = ctx.layer.clock.now();
  e.dataIn++;
  // Relabelled and resealed in place: the packet is the datagram we received (src/wire/packet.ts),
  // and copying 1.4 kB per hop would be waste.
  relabel(packet, forward ? e.nextId : e.prevId);
  const to = forward ? e.nextPeer : e.prevPeer;
  // Planted for the swarm test only (RouteConfig.planted): the same packet goes out twice.
  const twin = ctx.config.planted?.includes('relay-double-forward') ? Uint8Array.from(packet) : undefined;
  if (!ctx.layer.sendPacket(to, packet)) {
    ctx.layer.countDrop('route-no-link');
    if (forward) breakRelay(ctx, e, e.nextPeer);
    return;
  }
  e.dataOut++;
  if (twin && ctx.layer.sendTo(to, twin)) e.dataOut++;
};

/** Broken or Close passing through: forward it away from where it came, then forget the route. */
export const relayTeardown = (ctx: RouterCtx, from: string, e: RelayEntry, packet: Uint8Array): void => {
  const towardSource = from === e.nextPeer;
  if (!towardSource && from !== e.prevPeer) return ctx.layer.countDrop('route-wrong-link');
  ctx.table.remove(e.myId);
  if (!towardSource && e.nextId === 0) return;
  relabel(packet, towardSource ? e.prevId : e.nextId);
  if (packet[1] === RouteMsg.Broken || packet[1] === RouteMsg.Close) {
    const out = packet.slice();
    if (packet[1] === RouteMsg.Broken && packet.length >= REPLY_FIXED_BYTES) new DataView(out.buffer).setUint32(6, e.myId);
    ctx.layer.sendTo(towardSource ? e.prevPeer : e.nextPeer, out);
  }
  ctx.trace('route.unrelay', { route: e.myId });
};

/** The link to `dead` is gone: tell both ends what is still reachable, and forget the route. */
export const breakRelay = (ctx: RouterCtx, e: RelayEntry, dead: string, reason: number = BrokenReason.NextDown): void => {
  ctx.table.remove(e.myId);
  if (dead === e.nextPeer) ctx.layer.sendTo(e.prevPeer, brokenToSource(ctx, e.prevId, e.myId, e.hopKey, reason));
  else if (e.nextId !== 0) ctx.layer.sendTo(e.nextPeer, brokenToDest(ctx, e.nextId, e.myId));
  ctx.trace('route.break', { route: e.myId });
};
