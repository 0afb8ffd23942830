// The master's revocation list: addresses whose credentials issued at or before a time are no
// longer valid (`skywire nodes remove`). A later credential (the node was admitted again) is
// valid. Signed and sequenced, so any node can pass it on and a newer list always wins; an entry
// is dropped once every credential it could cancel has expired anyway.
//
//   v(1)=1 | seq(4) | count(2) | count x (address(16) | revokedAt(4, unix s)) | signature(64)
import type { CryptoSuite } from '../identity/crypto-suite.ts';
import { ADDRESS_BYTES, addressToString, parseAddress } from '../identity/address.ts';
import { drop, ok, view, type Decoded } from '../wire/result.ts';
import { SIG_BYTES } from './credential.ts';

const DOMAIN = new TextEncoder().encode('skywire-revocations-v1\0');
const FIXED = 1 + 4 + 2;
const ENTRY = ADDRESS_BYTES + 4;
/** Fits one 1,400-byte link payload with room to spare (65 entries); a fleet revoking more
 *  within one credential lifetime should shorten the lifetime. */
export const MAX_REVOCATIONS = 60;

export interface RevocationList { seq: number; entries: Map<string, number>; bytes: Uint8Array }

const withDomain = (b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(DOMAIN.length + b.length);
  out.set(DOMAIN);
  out.set(b, DOMAIN.length);
  return out;
};

export const signRevocations = (suite: CryptoSuite, masterSecret: Uint8Array, seq: number, entries: ReadonlyMap<string, number>): RevocationList => {
  const list = [...entries].sort((a, b) => b[1] - a[1]).slice(0, MAX_REVOCATIONS);
  const body = new Uint8Array(FIXED + list.length * ENTRY);
  const v = view(body);
  body[0] = 1;
  v.setUint32(1, seq >>> 0);
  v.setUint16(5, list.length);
  list.forEach(([a, at], i) => {
    body.set(parseAddress(a), FIXED + i * ENTRY);
    v.setUint32(FIXED + i * ENTRY + ADDRESS_BYTES, at >>> 0);
  });
  const bytes = new Uint8Array(body.length + SIG_BYTES);
  bytes.set(body);
  bytes.set(suite.sign(masterSecret, withDomain(body)), body.length);
  return { seq, entries: new Map(list), bytes };
};

export const verifyRevocations = (suite: CryptoSuite, masterKey: Uint8Array, bytes: Uint8Array): Decoded<RevocationList> => {
  if (bytes.length < FIXED + SIG_BYTES || bytes[0] !== 1) return drop('malformed');
  const v = view(bytes);
  const n = v.getUint16(5);
  if (n > MAX_REVOCATIONS || bytes.length !== FIXED + n * ENTRY + SIG_BYTES) return drop('malformed');
  const body = bytes.subarray(0, FIXED + n * ENTRY);
  let good = false;
  try {
    good = suite.verify(masterKey, withDomain(body), bytes.subarray(body.length));
  } catch {
    good = false;
  }
  if (!good) return drop('bad-signature');
  const entries = new Map<string, number>();
  for (let i = 0; i < n; i++) entries.set(addressToString(bytes.subarray(FIXED + i * ENTRY, FIXED + i * ENTRY + ADDRESS_BYTES)), v.getUint32(FIXED + i * ENTRY + ADDRESS_BYTES));
  return ok({ seq: v.getUint32(1), entries, bytes: bytes.slice() });
};
