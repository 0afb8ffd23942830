// A membership credential: the master's signed statement "this address is in the fleet, under
// this name and role, from issuedAt until expiresAt". Like a Nebula certificate it is checked
// locally, with no round trip: anyone holding the master's public key verifies it. Binary, so it
// fits a route setup and a link payload:
//
//   v(1)=1 | address(16) | role(1) | serial(4) | issuedAt(4, unix s) | expiresAt(4, unix s)
//   | nameLen(1) | name(<=64, UTF-8) | signature(64) over DOMAIN || everything before it
//
// Decoders never throw: bad bytes are a drop reason.
import type { CryptoSuite } from '../identity/crypto-suite.ts';
import { ADDRESS_BYTES, addressToString, parseAddress } from '../identity/address.ts';
import { drop, ok, view, type Decoded } from '../wire/result.ts';

export const CREDENTIAL_VERSION = 1;
const DOMAIN = new TextEncoder().encode('skywire-credential-v1\0');
const FIXED = 1 + ADDRESS_BYTES + 1 + 4 + 4 + 4 + 1;
export const SIG_BYTES = 64;
export const MAX_NAME_BYTES = 64;
export const MAX_CREDENTIAL_BYTES = FIXED + MAX_NAME_BYTES + SIG_BYTES;

export const Role = { Node: 1, Relay: 2 } as const;
export type RoleName = 'node' | 'relay';
const roleName = (r: number): RoleName | null => (r === Role.Node ? 'node' : r === Role.Relay ? 'relay' : null);

export interface CredentialBody { address: string; name: string; role: RoleName; serial: number; issuedAt: number; expiresAt: number }
export interface Credential extends CredentialBody { bytes: Uint8Array }

const signed = (bytes: Uint8Array): Uint8Array => {
  const out = new Uint8Array(DOMAIN.length + bytes.length);
  out.set(DOMAIN);
  out.set(bytes, DOMAIN.length);
  return out;
};

export const issueCredential = (suite: CryptoSuite, masterSecret: Uint8Array, b: CredentialBody): Credential => {
  const name = new TextEncoder().encode(b.name).subarray(0, MAX_NAME_BYTES);
  const body = new Uint8Array(FIXED + name.length);
  const v = view(body);
  body[0] = CREDENTIAL_VERSION;
  body.set(parseAddress(b.address), 1);
  body[17] = b.role === 'relay' ? Role.Relay : Role.Node;
  v.setUint32(18, b.serial >>> 0);
  v.setUint32(22, b.issuedAt >>> 0);
  v.setUint32(26, b.expiresAt >>> 0);
  body[30] = name.length;
  body.set(name, FIXED);
  const sig = suite.sign(masterSecret, signed(body));
  const bytes = new Uint8Array(body.length + SIG_BYTES);
  bytes.set(body);
  bytes.set(sig, body.length);
  return { ...b, name: new TextDecoder().decode(name), bytes };
};

/** Parses and checks the master's signature; validity in time is the caller's (isCurrent). */
export const verifyCredential = (suite: CryptoSuite, masterKey: Uint8Array, bytes: Uint8Array): Decoded<Credential> => {
  if (bytes.length < FIXED + SIG_BYTES || bytes.length > MAX_CREDENTIAL_BYTES) return drop('malformed');
  if (bytes[0] !== CREDENTIAL_VERSION) return drop('bad-version');
  const nameLen = bytes[30]!;
  if (nameLen > MAX_NAME_BYTES || bytes.length !== FIXED + nameLen + SIG_BYTES) return drop('malformed');
  const role = roleName(bytes[17]!);
  if (!role) return drop('malformed');
  const body = bytes.subarray(0, FIXED + nameLen);
  let good = false;
  try {
    good = suite.verify(masterKey, signed(body), bytes.subarray(FIXED + nameLen));
  } catch {
    good = false;
  }
  if (!good) return drop('bad-signature');
  const v = view(bytes);
  return ok({
    address: addressToString(bytes.subarray(1, 17)), role, serial: v.getUint32(18), issuedAt: v.getUint32(22), expiresAt: v.getUint32(26),
    name: new TextDecoder().decode(bytes.subarray(FIXED, FIXED + nameLen)), bytes: bytes.slice(),
  });
};

/** Clock skew tolerated on issuedAt: a node whose clock runs a little behind still accepts. */
export const SKEW_S = 300;

export const isCurrent = (c: CredentialBody, nowS: number): boolean => c.issuedAt <= nowS + SKEW_S && nowS < c.expiresAt;
