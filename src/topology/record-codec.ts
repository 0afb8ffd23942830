// Encodes and decodes topology records. Decoding never throws: structure first (cheap), then
// the signature (about 30-60 µs), so a caller can skip verifying a record it would drop anyway.
import { addressBytesOf, addressToString, parseAddress } from '../identity/address.ts';
import type { CryptoSuite } from '../identity/crypto-suite.ts';
import { drop, ok, view, type Decoded } from '../wire/result.ts';
import {
  LINK_ENTRY_BYTES, MAX_RECORD_LINKS, RECORD_HEADER_BYTES, RECORD_SIG_BYTES, RECORD_VERSION,
  clampCost, clampLoss, recordBytes, signedDigest, type LinkRecord, type RecordInput, type RecordLink,
} from './link-record.ts';

const compareBytes = (a: Uint8Array, b: Uint8Array): number => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
};

/** Builds and signs a record. Links are clamped and put in canonical (byte) order. */
export const signRecord = (r: RecordInput): LinkRecord => {
  if (r.links.length > MAX_RECORD_LINKS) throw new RangeError(`a record holds at most ${MAX_RECORD_LINKS} links`);
  if (!Number.isSafeInteger(r.seq) || r.seq < 0) throw new RangeError(`record seq ${r.seq} is not a safe integer`);
  const entries = r.links
    .map((l) => ({ raw: parseAddress(l.peer), link: { peer: l.peer, costMs: clampCost(l.costMs), lossPct: clampLoss(l.lossPct) } }))
    .sort((a, b) => compareBytes(a.raw, b.raw));
  const out = new Uint8Array(recordBytes(entries.length));
  const v = view(out);
  out[0] = RECORD_VERSION;
  out.set(r.identity.publicKey, 1);
  out.set(r.routeKey, 33);
  v.setUint32(65, Math.floor(r.seq / 2 ** 32));
  v.setUint32(69, r.seq >>> 0);
  v.setUint16(73, entries.length);
  entries.forEach((e, i) => {
    const at = RECORD_HEADER_BYTES + i * LINK_ENTRY_BYTES;
    out.set(e.raw, at);
    v.setUint16(at + 16, e.link.costMs);
    out[at + 18] = e.link.lossPct;
  });
  const sigAt = out.length - RECORD_SIG_BYTES;
  out.set(r.suite.sign(r.identity.secretKey, signedDigest(out.subarray(0, sigAt))), sigAt);
  return { origin: r.identity.address, originKey: out.slice(1, 33), routeKey: out.slice(33, 65), seq: r.seq, links: entries.map((e) => e.link), bytes: out };
};

/** Checks everything but the signature. */
export const parseRecord = (b: Uint8Array): Decoded<LinkRecord> => {
  if (b.length < 1) return drop('malformed');
  if (b[0] !== RECORD_VERSION) return drop('bad-version');
  if (b.length < RECORD_HEADER_BYTES) return drop('malformed');
  const v = view(b);
  const n = v.getUint16(73);
  if (n > MAX_RECORD_LINKS || b.length !== recordBytes(n)) return drop('malformed');
  const hi = v.getUint32(65);
  if (hi >= 2 ** 21) return drop('malformed'); // seq must stay below 2^53
  const originKey = b.slice(1, 33);
  const originRaw = addressBytesOf(originKey);
  const links: RecordLink[] = [];
  let prev: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    const at = RECORD_HEADER_BYTES + i * LINK_ENTRY_BYTES;
    const raw = b.subarray(at, at + 16);
    const costMs = v.getUint16(at + 16);
    const lossPct = b[at + 18]!;
    // Strictly ascending peers: one canonical encoding, no duplicate edges, no self-loop.
    if ((prev && compareBytes(prev, raw) >= 0) || compareBytes(raw, originRaw) === 0) return drop('malformed');
    if (costMs === 0 || lossPct > 100) return drop('malformed');
    links.push({ peer: addressToString(raw), costMs, lossPct });
    prev = raw;
  }
  return ok({ origin: addressToString(originRaw), originKey, routeKey: b.slice(33, 65), seq: hi * 2 ** 32 + v.getUint32(69), links, bytes: b.slice() });
};

export const verifyRecord = (suite: CryptoSuite, r: LinkRecord): boolean => {
  const sigAt = r.bytes.length - RECORD_SIG_BYTES;
  return suite.verify(r.originKey, signedDigest(r.bytes.subarray(0, sigAt)), r.bytes.subarray(sigAt));
};

export const decodeRecord = (suite: CryptoSuite, b: Uint8Array): Decoded<LinkRecord> => {
  const parsed = parseRecord(b);
  if (!parsed.ok) return parsed;
  return verifyRecord(suite, parsed.value) ? parsed : drop('bad-signature');
};
