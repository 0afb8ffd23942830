// Routes each received datagram by type to the handshake or session it belongs to. Untrusted
// bytes never throw here: every early return counts a drop reason, and the node goes on.
import type { Carrier, Datagram } from '../env/carrier.ts';
import { INIT_BYTES, MsgType } from '../wire/constants.ts';
import { decodeCookie } from '../wire/cookie-reply.ts';
import { decodeMisaddressed, encodeMisaddressed } from '../wire/misaddressed.ts';
import type { HandshakeInit } from '../wire/handshake-init.ts';
import { onInner } from './inner-dispatch.ts';
import { decodeTransportHeader } from '../wire/transport.ts';
import { checkInitMacs, consumeResp, createResp, verifyInit } from '../link/handshake.ts';
import { openCookie } from '../link/cookie-open.ts';
import { allocateIndex } from '../link/link-host.ts';
import { addressToString } from '../identity/address.ts';
import type { LinkActor } from '../../actors/link-actor.ts';
import type { SkyNode } from './node.ts';
import { dispatchSigned } from '../radio/signed-dispatch.ts';

export const dispatch = (node: SkyNode, carrier: Carrier, d: Datagram): void => {
  // Amateur radio carries signed plaintext only (src/radio/signed-dispatch.ts).
  if (carrier.linkMode === 'signed') return dispatchSigned(node, carrier, d);
  const b = d.bytes;
  if (b.length < 2) return node.countDrop('malformed');
  if (b[0] !== 1) return node.countDrop('bad-version');
  switch (b[1]) {
    case MsgType.Transport: return onTransport(node, carrier, d);
    case MsgType.HandshakeInit: return onInit(node, carrier, d);
    case MsgType.HandshakeResp: return onResp(node, carrier, d);
    case MsgType.CookieReply: return onCookie(node, d);
    case MsgType.Misaddressed: return onMisaddressed(node, d);
    case MsgType.ProbeEcho: return node.probeEcho ? node.probeEcho(d) : node.countDrop('probe-echo-unexpected');
    default: return node.countDrop('unknown-type');
  }
};

const onTransport = (node: SkyNode, carrier: Carrier, d: Datagram): void => {
  const h = decodeTransportHeader(d.bytes);
  if (!h.ok) return node.countDrop(h.reason);
  const entry = node.indexes.get(h.value.receiverIndex);
  if (!entry?.session) return node.countDrop('unknown-index');
  const link = entry.link as LinkActor;
  const plain = entry.session.open(d.bytes, h.value.counter);
  if (typeof plain === 'string') return node.countDrop(plain);
  link.touched(d.from, carrier, d.bytes.length);
  if (entry.session === link.next || entry.session === link.prevNext) link.confirm(entry.session);
  onInner(node, link, plain);
};

const onInit = (node: SkyNode, carrier: Carrier, d: Datagram): void => {
  const cookies = node.guard.cookiesFor(d.from);
  let checked = checkInitMacs(node.hs, d.bytes, cookies[0]);
  if (checked.ok && !checked.mac2ok) checked = checkInitMacs(node.hs, d.bytes, cookies[1]);
  if (!checked.ok) {
    // A well-formed init for another address: someone has the wrong key for this endpoint.
    // Tell them (22 bytes, rate-limited), so their node can say so instead of retrying blind.
    if (checked.reason === 'bad-mac' && d.bytes.length === INIT_BYTES && node.guard.mayNotify()) {
      carrier.send(d.from, encodeMisaddressed({ receiverIndex: new DataView(d.bytes.buffer, d.bytes.byteOffset).getUint32(2), address: node.addressBytes }));
      node.misaddressedAnswered++;
    }
    return node.countDrop(checked.reason);
  }
  const init = checked.value;
  const admission = node.guard.admit(d.from, checked.mac2ok === true);
  if (admission === 'send-cookie') {
    carrier.send(d.from, node.guard.cookieReply(d.from, init.senderIndex, init.mac1));
    return node.countDrop('cookie-sent');
  }
  if (admission === 'rate-limited') return node.countDrop('rate-limited');
  if (admission === 'busy') return node.countDrop('handshake-busy');
  const started = node.clock.now();
  answerInit(node, carrier, d, init);
  node.guard.spent(node.clock.now() - started);
};

// The expensive part of an init (signature, response, maybe a new link), charged to the
// guard's work budget by onInit.
const answerInit = (node: SkyNode, carrier: Carrier, d: Datagram, init: HandshakeInit): void => {
  const verified = verifyInit(node.hs, init, d.bytes);
  if (!verified.ok) return node.countDrop(verified.reason);
  const peer = addressToString(verified.value);
  let link = node.links.get(peer);
  if (!link) {
    if (!node.config.acceptUnknown) return node.countDrop('unknown-peer');
    link = node.addUnknownPeer(peer, carrier);
    if (!link) return; // at the bound, all up: counted as unknown-peer-full
  }
  // An old init replayed against a live session must not disturb it.
  if (link.current && init.timestamp <= link.lastInitTimestamp) return node.countDrop('stale-init');
  // Spent once verified, even if dropped below: a replay of a race-dropped init must not later
  // be answered (and move the endpoint to whoever replayed it).
  link.lastInitTimestamp = init.timestamp;
  // Both sides initiated at once: the lower address's handshake wins, unless ours keeps failing.
  if (link.isRacing() && node.address < peer && link.attempts < 2) return node.countDrop('handshake-race');
  const made = createResp(node.hs, d.bytes, init, { senderIndex: allocateIndex(node, { link }), ephemeralSecret: node.random.bytes(32) });
  if (!made.ok) return node.countDrop(made.reason);
  link.offerSession(made.value.keys);
  node.unknown.heard(peer); // a stranger's link in a handshake is not idle
  link.endpoint = d.from;
  link.carrier = carrier;
  link.stats.bytesOut += made.value.bytes.length;
  carrier.send(d.from, made.value.bytes);
};

const onResp = (node: SkyNode, carrier: Carrier, d: Datagram): void => {
  if (d.bytes.length < 10) return node.countDrop('malformed');
  const index = new DataView(d.bytes.buffer, d.bytes.byteOffset).getUint32(6);
  const link = node.indexes.get(index)?.link as LinkActor | undefined;
  const pending = link?.pendingFor(index);
  if (!link || !pending) return node.countDrop('unknown-index');
  const keys = consumeResp(node.hs, pending, d.bytes);
  if (!keys.ok) return node.countDrop(keys.reason);
  link.touched(d.from, carrier, d.bytes.length);
  link.installSession(keys.value);
  link.send({ kind: 'keepalive' }); // confirms the session to the responder at once
};

/** The answer to an init of ours that reached a node with another address (src/wire/misaddressed.ts). */
const onMisaddressed = (node: SkyNode, d: Datagram): void => {
  const m = decodeMisaddressed(d.bytes);
  if (!m) return node.countDrop('malformed');
  const link = node.indexes.get(m.receiverIndex)?.link as LinkActor | undefined;
  // Only from where that very init went: a notice from anywhere else is noise or a forgery.
  if (!link?.pendingFor(m.receiverIndex) || link.endpoint !== d.from) return node.countDrop('unknown-index');
  link.misaddressed = { answeredAs: addressToString(m.address), at: node.clock.now() };
  node.countDrop('misaddressed-notice');
};

const onCookie = (node: SkyNode, d: Datagram): void => {
  const c = decodeCookie(d.bytes);
  if (!c.ok) return node.countDrop(c.reason);
  const link = node.indexes.get(c.value.receiverIndex)?.link as LinkActor | undefined;
  if (!link?.pending || link.pending.senderIndex !== c.value.receiverIndex) return node.countDrop('unknown-index');
  const cookie = openCookie(link.peerBytes, link.pending.bytes, c.value);
  if (!cookie) return node.countDrop('bad-tag');
  link.cookie = { value: cookie, at: node.clock.now() };
  link.sendInit(); // retry now, with mac2, rather than wait out the retry timer
};
