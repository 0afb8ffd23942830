// The dispatcher for a carrier in amateur mode: hellos install a peer's keys, data frames are
// checked against them. AEAD handshakes and transport packets are not accepted here (and never
// sent), so nothing on an amateur channel is encrypted. Untrusted bytes never throw.
import type { Carrier, Datagram } from '../env/carrier.ts';
import { addressToString } from '../identity/address.ts';
import { onInner } from '../node/inner-dispatch.ts';
import type { LinkActor } from '../../actors/link-actor.ts';
import type { SkyNode } from '../node/node.ts';
import { SignedType } from './signed-wire.ts';
import { SignedPeer, openHello } from './signed-link.ts';

export const dispatchSigned = (node: SkyNode, carrier: Carrier, d: Datagram): void => {
  const b = d.bytes;
  if (b.length < 2) return node.countDrop('malformed');
  if (b[0] !== 1) return node.countDrop('bad-version');
  if (b[1] === SignedType.Hello) return onHello(node, carrier, d);
  if (b[1] === SignedType.Data) return onData(node, carrier, d);
  return node.countDrop('unknown-type');
};

const onHello = (node: SkyNode, carrier: Carrier, d: Datagram): void => {
  const h = openHello(node.hs, d.bytes, d.from);
  if (typeof h === 'string') return node.countDrop(h);
  const peer = addressToString(h.address);
  if (peer === node.address) return node.countDrop('unexpected');
  let link = node.links.get(peer);
  if (!link) {
    if (!node.config.acceptUnknown) return node.countDrop('unknown-peer');
    link = node.addUnknownPeer(peer, carrier);
    if (!link) return; // at the bound, all up: counted as unknown-peer-full
  }
  let sp = link.signedPeer;
  // The peer asks for our keys although it has sent us these before: it could not check the
  // frames we sent since (it never got our hello, see onData). Our answer goes ahead of user
  // frames, and what waits for this peer goes again at once instead of at its next retry.
  const same = sp?.matches(h) === true;
  const lostOurs = h.ask && same && (link.state === 'up' || link.state === 'rekeying');
  if (sp && same) {
    if (!sp.commit(h.counter)) return node.countDrop('replay');
  } else {
    const fresh = SignedPeer.derive(node.hs, link.ephemeral(), h);
    if (!fresh) return node.countDrop('bad-key');
    sp = fresh;
    sp.commit(h.counter);
  }
  link.touched(d.from, carrier, d.bytes.length);
  link.acceptHello(sp);
  if (h.ask) link.sendHello(false, lostOurs);
  if (lostOurs) node.keysAsked$.next(peer);
};

/** The link a frame from `from` belongs to; else a link to that endpoint still without the
 *  peer's keys (its hello never reached us), in one pass. */
const linkFrom = (node: SkyNode, carrier: Carrier, from: string): { keyed?: LinkActor; half?: LinkActor } => {
  let half: LinkActor | undefined;
  for (const l of node.links.values()) {
    if (l.endpoint !== from || l.carrier !== carrier) continue;
    if (l.signedPeer) return { keyed: l };
    half ??= l;
  }
  return { half };
};

/** A frame from a neighbour whose hello we never got: ask it for its keys, ahead of user frames
 *  (it believes the link up and goes on sending what we cannot check), at most once per 5 s. */
const NACK_EVERY_MS = 5000;

const onData = (node: SkyNode, carrier: Carrier, d: Datagram): void => {
  const { keyed: link, half } = linkFrom(node, carrier, d.from);
  if (!link?.signedPeer) {
    const now = node.clock.now();
    if (half && now - half.nackAt >= NACK_EVERY_MS) {
      half.nackAt = now;
      half.sendHello(true, true);
    }
    return node.countDrop('no-session');
  }
  const plain = link.signedPeer.open(d.bytes, d.from, carrier.local);
  if (typeof plain === 'string') return node.countDrop(plain);
  link.touched(d.from, carrier, d.bytes.length);
  onInner(node, link, plain);
};
