// Hashes, MACs and key derivation, all SHA-256 based (node:crypto).
import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { MAC_BYTES } from '../wire/constants.ts';

export const sha256 = (...parts: (Uint8Array | string)[]): Uint8Array => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

/** 16-byte truncated HMAC-SHA256. */
export const mac16 = (key: Uint8Array, data: Uint8Array): Uint8Array =>
  new Uint8Array(createHmac('sha256', key).update(data).digest().subarray(0, MAC_BYTES));

export const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && timingSafeEqual(a, b);

export const hkdf = (ikm: Uint8Array, salt: Uint8Array, info: string, length: number): Uint8Array =>
  new Uint8Array(hkdfSync('sha256', ikm, salt, info, length));
