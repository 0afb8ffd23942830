// A node's address is the first 16 bytes of SHA-256(Ed25519 public key), shown as 26
// lowercase RFC 4648 base32 characters without padding.
import { createHash } from 'node:crypto';
import { SkywireError } from '../errors.ts';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
export const ADDRESS_BYTES = 16;
export const ADDRESS_CHARS = 26;

export const base32Encode = (bytes: Uint8Array): string => {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
};

export const base32Decode = (text: string): Uint8Array | null => {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of text) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return null;
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
};

export const addressBytesOf = (publicKey: Uint8Array): Uint8Array =>
  new Uint8Array(createHash('sha256').update(publicKey).digest().subarray(0, ADDRESS_BYTES));

export const addressOf = (publicKey: Uint8Array): string => base32Encode(addressBytesOf(publicKey));

export const parseAddress = (text: string, what = 'address'): Uint8Array => {
  const t = text.trim().toLowerCase();
  const bytes = t.length === ADDRESS_CHARS ? base32Decode(t) : null;
  if (!bytes || bytes.length !== ADDRESS_BYTES || base32Encode(bytes) !== t) {
    throw new SkywireError('BAD_ADDRESS', `${what} "${text}" is not a skywire address: expected ${ADDRESS_CHARS} base32 characters (a-z, 2-7), as printed by "skywire id"`);
  }
  return bytes;
};

export const addressToString = (bytes: Uint8Array): string => base32Encode(bytes);
