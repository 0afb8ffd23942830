// Route messages travel inside link payloads, after the Proto.Route byte. Every one starts with
// a subtype and a 4-byte route ID that the receiving hop allocated (label switching): a relay
// needs nothing else to forward. Layouts are in docs/PROTOCOL.md, "Routes".
import { Proto } from '../overlay/link-layer.ts';
import { drop, ok, view, type Decoded } from '../wire/result.ts';
import { getU32, setU32 } from '../wire/bytes.ts';

/** DataDirect: data on a route of one hop, without the end-to-end seal (conversation.ts). */
export const RouteMsg = { Setup: 1, SetupAck: 2, Data: 3, Broken: 4, Close: 5, Lost: 6, DataDirect: 7 } as const;
export type RouteMsgType = (typeof RouteMsg)[keyof typeof RouteMsg];

export const ROUTE_HEADER_BYTES = 6; // proto, subtype, route ID
export const MAX_HOPS = 16;
export const SLOT_PLAIN_BYTES = 17; // flag, next-hop address
export const SLOT_BYTES = SLOT_PLAIN_BYTES + 16;
export const SLOTS_BYTES = MAX_HOPS * SLOT_BYTES;
/** Setup after the header: sender's ID, path MTU, ephemeral key, slots, then the sealed
 *  end-to-end part. */
export const SETUP_FIXED_BYTES = ROUTE_HEADER_BYTES + 4 + 2 + 32 + SLOTS_BYTES;

export interface RouteHeader { type: RouteMsgType; routeId: number }

export const encodeHeader = (out: Uint8Array, type: RouteMsgType, routeId: number): void => {
  out[0] = Proto.Route;
  out[1] = type;
  setU32(out, 2, routeId);
};

export const decodeHeader = (b: Uint8Array): Decoded<RouteHeader> => {
  if (b.length < ROUTE_HEADER_BYTES || b[0] !== Proto.Route) return drop('malformed');
  const type = b[1]!;
  if (type < RouteMsg.Setup || type > RouteMsg.DataDirect) return drop('unknown-type');
  return ok({ type: type as RouteMsgType, routeId: getU32(b, 2) });
};

/** Rewrites the route ID in place: the whole of a relay's work on a data packet. */
export const relabel = (b: Uint8Array, routeId: number): void => setU32(b, 2, routeId);

/** pathMtu: the smallest link payload MTU so far; each relay lowers it to its next link's. */
export interface Setup { routeId: number; senderId: number; pathMtu: number; ephemeral: Uint8Array; slots: Uint8Array; sealed: Uint8Array }

export const encodeSetup = (s: Setup): Uint8Array => {
  const out = new Uint8Array(SETUP_FIXED_BYTES + s.sealed.length);
  encodeHeader(out, RouteMsg.Setup, s.routeId);
  view(out).setUint32(6, s.senderId);
  view(out).setUint16(10, Math.min(0xffff, s.pathMtu));
  out.set(s.ephemeral, 12);
  out.set(s.slots, 44);
  out.set(s.sealed, SETUP_FIXED_BYTES);
  return out;
};

export const decodeSetup = (b: Uint8Array): Decoded<Setup> => {
  if (b.length < SETUP_FIXED_BYTES + 16) return drop('malformed');
  return ok({
    routeId: view(b).getUint32(2),
    senderId: view(b).getUint32(6),
    pathMtu: view(b).getUint16(10),
    ephemeral: b.slice(12, 44),
    slots: b.slice(44, SETUP_FIXED_BYTES),
    sealed: b.slice(SETUP_FIXED_BYTES),
  });
};

/** SetupAck, Broken: header, the sender's own route ID, the path MTU the destination saw
 *  (0 in Broken), then a sealed body. */
/** Header, sender's ID, path MTU: where a reply's sealed body starts. */
export const REPLY_FIXED_BYTES = ROUTE_HEADER_BYTES + 6;

export interface Reply { type: RouteMsgType; routeId: number; senderId: number; pathMtu: number; sealed: Uint8Array }

export const encodeReply = (r: Reply): Uint8Array => {
  const out = new Uint8Array(REPLY_FIXED_BYTES + r.sealed.length);
  encodeHeader(out, r.type, r.routeId);
  view(out).setUint32(6, r.senderId);
  view(out).setUint16(10, Math.min(0xffff, r.pathMtu));
  out.set(r.sealed, REPLY_FIXED_BYTES);
  return out;
};

export const decodeReply = (b: Uint8Array): Decoded<Reply> => {
  const h = decodeHeader(b);
  if (!h.ok) return h;
  if (b.length < REPLY_FIXED_BYTES + 16) return drop('malformed');
  return ok({ type: h.value.type, routeId: h.value.routeId, senderId: view(b).getUint32(6), pathMtu: view(b).getUint16(10), sealed: b.slice(REPLY_FIXED_BYTES) });
};

/** "I hold no route with this ID": the ID is the sender's own (a label it allocated before it
 *  restarted), not the receiver's. Header only. */
export const encodeLost = (routeId: number): Uint8Array => {
  const out = new Uint8Array(ROUTE_HEADER_BYTES);
  encodeHeader(out, RouteMsg.Lost, routeId);
  return out;
};

export const encodeClose = (routeId: number): Uint8Array => {
  const out = new Uint8Array(ROUTE_HEADER_BYTES);
  encodeHeader(out, RouteMsg.Close, routeId);
  return out;
};
