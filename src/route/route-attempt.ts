// One try at a route along one path: the setup packet (sent and resent verbatim), the keys
// shared with each hop, and the end-to-end handshake state. A repair makes a new attempt.
import type { InitiatorState } from '../link/handshake.ts';
import { seal } from '../link/aead.ts';
import { parseAddress } from '../identity/address.ts';
import type { RouterCtx } from './router-ctx.ts';
import type { EndEntry, EndHandler } from './route-table.ts';
import { buildSlots, keysForHop, SetupNonce, SlotFlag, type HopKeys } from './setup-onion.ts';
import { e2eStart } from './e2e-handshake.ts';
import { encodeSetup, MAX_HOPS } from './route-wire.ts';
import { neighbourOf } from '../overlay/link-layer.ts';

export interface RouteAttempt {
  path: string[];
  myId: number;
  entry: EndEntry;
  setup: Uint8Array;
  hopKeys: HopKeys[];
  destKeys: HopKeys;
  e2e: InitiatorState;
  sentAt: number;
  /** Sum of known link RTTs along the path, for the retransmit timer (first hop measured). */
  rttEstimate: number;
}

export const buildAttempt = (ctx: RouterCtx, path: string[], dest: Uint8Array, convId: string, handler: EndHandler, timestamp: number): RouteAttempt | null => {
  const hops = path.slice(1);
  if (hops.length === 0 || hops.length > MAX_HOPS) return null;
  const { layer } = ctx;
  const eSecret = layer.random.bytes(32);
  const ephemeral = layer.suite.x25519Public(eSecret);
  const hopKeys: HopKeys[] = [];
  for (const h of hops) {
    const rk = ctx.paths.routeKeyOf(h);
    const k = rk && keysForHop(layer.suite, eSecret, ephemeral, rk);
    if (!k) return null;
    hopKeys.push(k);
  }
  const slots = buildSlots(hops.map((h, i) => ({
    key: hopKeys[i]!.hop,
    flag: i === hops.length - 1 ? SlotFlag.Destination : SlotFlag.Relay,
    next: i === hops.length - 1 ? new Uint8Array(16) : parseAddress(hops[i + 1]!),
  })), ephemeral, layer.random);
  const destKeys = hopKeys[hopKeys.length - 1]!;
  const start = e2eStart({ suite: layer.suite, identity: layer.identity }, {
    dest, convId: Buffer.from(convId, 'hex'), index: layer.random.int(0x1_0000_0000) >>> 0 || 1, ephemeralSecret: layer.random.bytes(32), timestamp, credential: ctx.gate.own(),
  });
  const myId = ctx.table.allocate();
  const now = layer.clock.now();
  const entry: EndEntry = { kind: 'end', myId, peer: hops[0]!, remoteId: 0, handler, lastUsed: now };
  ctx.table.add(entry);
  const first = neighbourOf(layer, hops[0]!);
  const setup = encodeSetup({ routeId: 0, senderId: myId, pathMtu: first?.payloadMtu ?? 1200, ephemeral, slots, sealed: seal(destKeys.e2e, SetupNonce.E2eInit, new Uint8Array(0), start.plain) });
  const rttEstimate = (first?.rttMs ?? 50) * hops.length;
  return { path, myId, entry, setup, hopKeys, destKeys, e2e: start.state, sentAt: now, rttEstimate };
};
