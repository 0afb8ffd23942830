// The dispatcher for a carrier in amateur mode: hellos install a peer's keys, data frames are
// checked against them. AEAD handshakes and transport packets are not accepted here (and never
// sent), so nothing on an amateur channel is encrypted. Untrusted bytes never throw.
import type { Carrier, Datagram } from '../env/carrier.ts';
import { addressToString } from '../identity/address.ts';
import { onInner } from '../node/inner-dispatch.ts';
import type { LinkActor } from '../../actors/link-actor.ts';
import type { SkyNode } from '../node/node.ts';
import { SignedType } from './signed-wire.ts';
import { SignedPeer, openHello, openSolo } from './signed-link.ts';
import { decodeInner } from '../wire/inner.ts';
import { Proto } from '../overlay/link-layer.ts';

export const dispatchSigned = (node: SkyNode, carrier: Carrier, d: Datagram): void => {
  const b = d.bytes;
  if (b.length < 2) return node.countDrop('malformed');
  if (b[0] !== 1) return node.countDrop('bad-version');
  if (b[1] === SignedType.Hello) return onHello(node, carrier, d);
  if (b[1] === SignedType.Data) return onData(node, carrier, d);
  if (b[1] === SignedType.Solo) return onSolo(node, carrier, d);
  return node.countDrop('unknown-type');
};

/** The link for a key a hello or solo frame proved; a stranger's new one with acceptUnknown.
 *  undefined (counted) for our own key, a stranger without acceptUnknown, or at the bound. */
const linkOf = (node: SkyNode, carrier: Carrier, peer: string): LinkActor | undefined => {
  if (peer === node.address) return void node.countDrop('unexpected');
  const link = node.links.get(peer);
  if (link) return link;
  if (!node.config.acceptUnknown) return void node.countDrop('unknown-peer');
  return node.addUnknownPeer(peer, carrier); // undefined at the bound, all up: counted as unknown-peer-full
};

const onHello = (node: SkyNode, carrier: Carrier, d: Datagram): void => {
  const h = openHello(node.hs, d.bytes, d.from);
  if (typeof h === 'string') return node.countDrop(h);
  const peer = addressToString(h.address);
  const link = linkOf(node, carrier, peer);
  if (!link) return;
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

/** A frame from a neighbour whose hello we never got (or whose keys no longer match): ask it for
 *  its keys, ahead of user frames (it believes the link up and goes on sending what we cannot
 *  check), at most once per 5 s. */
const NACK_EVERY_MS = 5000;

const nack = (node: SkyNode, link: LinkActor | undefined): void => {
  const now = node.clock.now();
  if (!link || now - link.nackAt < NACK_EVERY_MS) return;
  link.nackAt = now;
  link.sendHello(true, true);
};

const onData = (node: SkyNode, carrier: Carrier, d: Datagram): void => {
  const { keyed: link, half } = linkFrom(node, carrier, d.from);
  if (!link?.signedPeer) {
    nack(node, half);
    return node.countDrop('no-session');
  }
  const plain = link.signedPeer.open(d.bytes, d.from, carrier.local);
  // A tag that does not check from a peer we hold keys for: most likely the peer derived new
  // keys from a hello of ours we no longer hold (our link went down and back, and its hello
  // did not ask for ours); ask for its hello, at most every 5 s, as for a missing one. Forged
  // frames can make us ask no more often than that.
  if (plain === 'bad-tag') nack(node, link);
  if (typeof plain === 'string') return node.countDrop(plain);
  link.touched(d.from, carrier, d.bytes.length);
  onInner(node, link, plain);
};

/** A solo frame: an SMS parcel or custody ack from a neighbour whose hello we may not have yet.
 *  It carries its key and signature, so it is checked here on its own; only a peer we link
 *  with (configured, or any with acceptUnknown) and only SMS traffic is taken. */
const onSolo = (node: SkyNode, carrier: Carrier, d: Datagram): void => {
  const s = openSolo(node.hs, d.bytes, d.from, carrier.local);
  if (typeof s === 'string') return node.countDrop(s);
  // Checked before a stranger (acceptUnknown) gets a link: only SMS traffic makes one here.
  const inner = decodeInner(s.inner);
  if (!inner.ok || inner.value.kind !== 'payload' || inner.value.bytes[0] !== Proto.Sms) return node.countDrop('solo-not-sms');
  const peer = addressToString(s.address);
  const link = linkOf(node, carrier, peer);
  if (!link) return;
  if (link.carrier !== carrier && link.endpoint !== undefined) return node.countDrop('solo-wrong-carrier');
  if (!link.soloIn.accept(s.counter)) return node.countDrop('replay');
  link.touched(d.from, carrier, d.bytes.length);
  link.stats.soloIn++;
  // The peer had no hello of ours when it sent this; the link's own hellos (already queued or
  // retried on its timer) bring the keys, so no extra hello is spent on the air here.
  node.deliver(peer, inner.value.bytes);
};
