// The destination's side of a setup: verify the end-to-end handshake, bind (or rebind, after a
// repair) the conversation, and answer with an ack that retraces the route.
import { open, seal } from '../link/aead.ts';
import type { Conversation } from './conversation.ts';
import type { RouterCtx } from './router-ctx.ts';
import type { EndEntry, EndHandler } from './route-table.ts';
import { e2eAccept } from './e2e-handshake.ts';
import { BrokenReason, brokenToSource } from './relay.ts';
import { SetupNonce, type HopKeys } from './setup-onion.ts';
import { encodeReply, RouteMsg, type Setup } from './route-wire.ts';

export interface InboundHost {
  /** The conversation for (peer, convId), created on first contact. */
  conversation(peer: string, convId: string): Conversation;
  /** A route end for this conversation replaced an older one: forget the old entry. */
  rebound(conv: Conversation, entry: EndEntry): void;
}

const withCredential = (resp: Uint8Array, cred: Uint8Array | undefined): Uint8Array => {
  if (!cred) return resp;
  const out = new Uint8Array(resp.length + cred.length);
  out.set(resp);
  out.set(cred, resp.length);
  return out;
};

export const acceptSetup = (ctx: RouterCtx, host: InboundHost, from: string, s: Setup, keys: HopKeys): void => {
  const { layer } = ctx;
  const plain = open(keys.e2e, SetupNonce.E2eInit, new Uint8Array(0), s.sealed);
  if (!plain) return layer.countDrop('route-bad-setup');
  const accepted = e2eAccept({ suite: layer.suite, identity: layer.identity }, plain, { index: layer.random.int(0x1_0000_0000) >>> 0 || 1, ephemeralSecret: layer.random.bytes(32) });
  if (!accepted.ok) return layer.countDrop(`route-setup-${accepted.reason}`);
  const a = accepted.value;
  if (!ctx.gate.accept(a.peer, a.credential)) {
    // Said once per setup, sealed to the source: it stops trying instead of searching 90 s.
    layer.sendTo(from, brokenToSource(ctx, s.senderId, 0, keys.hop, BrokenReason.NotMember));
    return layer.countDrop('route-setup-not-member');
  }
  const conv = host.conversation(a.peer, a.convId);
  if (a.timestamp <= conv.lastTimestamp) return layer.countDrop('route-stale-setup');
  conv.lastTimestamp = a.timestamp;
  const myId = ctx.table.allocate();
  const handler: EndHandler = {
    onData: (body) => conv.receive(body),
    onDirect: (from, plain) => conv.receiveDirect(from, plain),
    onBroken: () => conv.unbind(),
    onClose: () => {
      conv.unbind();
      conv.upper?.fail('reset');
    },
  };
  const ack = encodeReply({ type: RouteMsg.SetupAck, routeId: s.senderId, senderId: myId, pathMtu: s.pathMtu, sealed: seal(keys.e2e, SetupNonce.E2eAck, new Uint8Array(0), withCredential(a.resp, ctx.gate.own())) });
  const setupKey = `${from}|${s.senderId}`;
  const entry: EndEntry = { kind: 'end', myId, peer: from, remoteId: s.senderId, handler, lastUsed: layer.clock.now(), ack, setupKey };
  ctx.table.add(entry, setupKey);
  host.rebound(conv, entry);
  conv.bind(a.keys, { peer: from, remoteId: s.senderId }, s.pathMtu);
  layer.sendTo(from, ack);
  ctx.trace('route.accepted', { from: a.peer });
};
