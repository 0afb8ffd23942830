// Credentials and the revocation list travel along links, so every member can check every other
// locally: on link up each side sends the revocation list and the credentials it holds (only
// its own on slow radio links, where airtime is precious), and anything new it learns later goes
// on to its other neighbours once (a newer list or a fresher credential is "new" only once, so a
// flood ends). Payload: Proto.Membership | kind | body.
//   kind 1: credentials, each as len(1) | bytes     kind 2: one revocation list
import type { LinkLayer, NeighbourInfo } from '../overlay/link-layer.ts';
import { Proto } from '../overlay/link-layer.ts';
import type { Membership } from './membership.ts';

const Kind = { Credentials: 1, Revocations: 2 } as const;
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

export const attachMembershipGossip = (layer: LinkLayer, m: Membership): { stop(): void } => {
  const send = (n: NeighbourInfo, creds: Uint8Array[], revocations: Uint8Array | undefined): void => {
    if (revocations) layer.sendTo(n.peer, revocationPayload(revocations));
    for (const p of packCredentials(creds, Math.min(n.payloadMtu, 1400))) layer.sendTo(n.peer, p);
  };
  layer.register(Proto.Membership, (peer, b) => {
    if (!m.enforced) return layer.countDrop('membership-no-master');
    if (b.length < 3) return layer.countDrop('membership-malformed');
    if (b[1] === Kind.Revocations) return void m.offerRevocations(b.subarray(2), peer);
    if (b[1] !== Kind.Credentials) return layer.countDrop('membership-unknown-kind');
    let o = 2;
    while (o < b.length) {
      const len = b[o]!;
      if (o + 1 + len > b.length) return layer.countDrop('membership-malformed');
      m.offerCredential(b.slice(o + 1, o + 1 + len), peer);
      o += 1 + len;
    }
  });
  const links = layer.linkEvents$.subscribe((e) => {
    if (e.to !== 'up' || e.from === 'rekeying' || !m.enforced) return;
    const n = layer.neighbours().find((x) => x.peer === e.peer);
    if (!n) return;
    const own = m.own();
    send(n, isSlow(n) ? (own ? [own.bytes] : []) : m.current().map((c) => c.bytes), m.revocations?.bytes);
  });
  const changes = m.changes$.subscribe((c) => {
    for (const n of layer.neighbours()) {
      if (n.peer === c.from) continue;
      if (c.kind === 'revocations') layer.sendTo(n.peer, revocationPayload(c.bytes));
      else if (!isSlow(n) || c.bytes === m.own()?.bytes) send(n, [c.bytes], undefined);
    }
  });
  return { stop: () => { links.unsubscribe(); changes.unsubscribe(); } };
};
