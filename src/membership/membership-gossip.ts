// Credentials and the revocation list travel along links, so every member can check every other
// locally: on link up each side sends its own credential, and to a neighbour it knows as a member
// the revocation list and every credential it holds (only its own on slow radio links, where
// airtime is precious); anything new it learns later goes on to its member neighbours once (a newer list or a fresher credential is "new" only once, so a
// flood ends). Payload: Proto.Membership | kind | body.
//   kind 1: credentials, each as len(1) | bytes     kind 2: one revocation list
//   kind 3: sync request (one zero byte): "send me what you send a neighbour whose link comes
//           up". A node sends it on its own link-up to a neighbour it does not know as a member:
//           a node that restarted within the peer's dead-peer time comes back with only its own
//           credential, while the peer saw no link go down and so never synced it again (the
//           demo's restarted node stayed unregistered for good).
import type { LinkLayer, NeighbourInfo } from '../overlay/link-layer.ts';
import { Proto, neighbourOf } from '../overlay/link-layer.ts';
import type { Membership } from './membership.ts';

const Kind = { Credentials: 1, Revocations: 2, SyncRequest: 3 } as const;
/** A neighbour's sync requests are answered at most this often. */
const SYNC_REQUEST_EVERY_MS = 2_000;
/** A fresh buffer each time: no module-level mutable state (test/seam). */
const syncRequest = (): Uint8Array => new Uint8Array([Proto.Membership, Kind.SyncRequest, 0]);
/** Links at or below this bit rate are radios: no fleet-wide sync over them. */
const SLOW_BPS = 1_000_000;

const isSlow = (n: NeighbourInfo): boolean => n.bitrate !== undefined && n.bitrate <= SLOW_BPS;

/** Packs credentials into payloads no larger than mtu. */
const packCredentials = (creds: readonly Uint8Array[], mtu: number): Uint8Array[] => {
  const out: Uint8Array[] = [];
  let batch: Uint8Array[] = [];
  let size = 2;
  const flush = (): void => {
    if (batch.length === 0) return;
    const b = new Uint8Array(size);
    b[0] = Proto.Membership;
    b[1] = Kind.Credentials;
    let o = 2;
    for (const c of batch) {
      b[o++] = c.length;
      b.set(c, o);
      o += c.length;
    }
    out.push(b);
    batch = [];
    size = 2;
  };
  for (const c of creds) {
    if (size + 1 + c.length > mtu) flush();
    batch.push(c);
    size += 1 + c.length;
  }
  flush();
  return out;
};

const revocationPayload = (bytes: Uint8Array): Uint8Array => {
  const b = new Uint8Array(2 + bytes.length);
  b[0] = Proto.Membership;
  b[1] = Kind.Revocations;
  b.set(bytes, 2);
  return b;
};

/** pathToMaster: our path to the master (ourselves first), whose credentials a stranger gets:
 *  it needs them (and those hops' topology records) to register through us. */
export const attachMembershipGossip = (layer: LinkLayer, m: Membership, pathToMaster: () => readonly string[] = () => []): { stop(): void; offerWay(peer: string): void } => {
  const send = (n: NeighbourInfo, creds: Uint8Array[], revocations: Uint8Array | undefined): void => {
    if (revocations) layer.sendTo(n.peer, revocationPayload(revocations));
    for (const p of packCredentials(creds, Math.min(n.payloadMtu, 1400))) layer.sendTo(n.peer, p);
  };
  layer.register(Proto.Membership, (peer, b) => {
    if (!m.enforced) return layer.countDrop('membership-no-master');
    if (b.length < 3) return layer.countDrop('membership-malformed');
    if (b[1] === Kind.Revocations) return void m.offerRevocations(b.subarray(2), peer);
    if (b[1] === Kind.SyncRequest) return answerSyncRequest(peer);
    if (b[1] !== Kind.Credentials) return layer.countDrop('membership-unknown-kind');
    let o = 2;
    while (o < b.length) {
      const len = b[o]!;
      if (o + 1 + len > b.length) return layer.countDrop('membership-malformed');
      m.offerCredential(b.slice(o + 1, o + 1 + len), peer);
      o += 1 + len;
    }
  });
  // Neighbours that got the whole roster on this link session. Only members get it: a stranger
  // linked to the master or a relay learns only our own credential and those of the hops on our
  // path to the master (what it needs to register through us). A neighbour admitted after its link came up is synced the moment its
  // credential reaches us (from it, or through the fleet), and from then on hears changes.
  const synced = new Set<string>();
  const fullSync = (n: NeighbourInfo): void => {
    synced.add(n.peer);
    send(n, m.current().map((c) => c.bytes), m.revocations?.bytes);
  };
  const links = layer.linkEvents$.subscribe((e) => {
    if (e.to !== 'up') {
      if (e.to !== 'rekeying') synced.delete(e.peer);
      return;
    }
    if (e.from === 'rekeying' || !m.enforced) return;
    const n = neighbourOf(layer, e.peer);
    if (!n) return;
    if (!isSlow(n) && m.isMember(n.peer)) return fullSync(n);
    synced.delete(n.peer);
    const own = m.own();
    send(n, [...(own ? [own.bytes] : []), ...(isSlow(n) ? [] : wayCredentials(own?.bytes))], undefined);
    if (!isSlow(n)) layer.sendTo(n.peer, syncRequest());
  });
  // Bounded by the neighbours: an entry goes when its peer is no neighbour any more.
  const answered = new Map<string, number>();
  const answerSyncRequest = (peer: string): void => {
    const n = neighbourOf(layer, peer);
    if (!n || isSlow(n)) return layer.countDrop('membership-sync-refused');
    const now = layer.clock.now();
    if (now - (answered.get(peer) ?? -Infinity) < SYNC_REQUEST_EVERY_MS) return layer.countDrop('membership-sync-rate');
    if (answered.size >= 1024) for (const a of answered.keys()) if (!neighbourOf(layer, a)) answered.delete(a);
    answered.set(peer, now);
    if (m.isMember(peer)) return fullSync(n);
    const own = m.own();
    send(n, [...(own ? [own.bytes] : []), ...wayCredentials(own?.bytes)], undefined);
  };
  const wayCredentials = (except?: Uint8Array): Uint8Array[] => pathToMaster().map((a) => m.credential(a)?.bytes).filter((c): c is Uint8Array => c !== undefined && c !== except);
  const changes = m.changes$.subscribe((c) => {
    for (const n of layer.neighbours()) {
      if (synced.has(n.peer) && !m.isMember(n.peer)) synced.delete(n.peer); // revoked or expired
      if (n.peer === c.from && synced.has(n.peer)) continue;
      if (!isSlow(n) && !synced.has(n.peer) && m.isMember(n.peer)) { fullSync(n); continue; }
      if (c.kind === 'revocations') { if (synced.has(n.peer)) layer.sendTo(n.peer, revocationPayload(c.bytes)); }
      else if (c.bytes === m.own()?.bytes || (synced.has(n.peer) && n.peer !== c.from) || (!synced.has(n.peer) && !isSlow(n) && pathToMaster().includes(c.address))) send(n, [c.bytes], undefined);
    }
  });
  /** Our way to the master changed: a stranger neighbour gets the credentials along it. */
  const offerWay = (peer: string): void => {
    const n = neighbourOf(layer, peer);
    if (n && !synced.has(peer) && !isSlow(n)) send(n, wayCredentials(), undefined);
  };
  return { stop: () => { links.unsubscribe(); changes.unsubscribe(); }, offerWay };
};
