// ChaCha20-Poly1305 (RFC 8439) through node:crypto. The 12-byte nonce is 4 zero bytes and the
// 64-bit packet counter, so a key must never see a counter twice: session.ts guarantees that.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { TAG_BYTES } from '../wire/constants.ts';

export const nonceFor = (counter: number): Buffer => {
  const n = Buffer.alloc(12);
  n.writeUInt32BE(Math.floor(counter / 0x1_0000_0000), 4);
  n.writeUInt32BE(counter >>> 0, 8);
  return n;
};

/** Seals plaintext into `out` at `offset`; returns the number of bytes written (len + 16). */
export const sealInto = (key: Uint8Array, nonce: Buffer, aad: Uint8Array, plaintext: Uint8Array, out: Uint8Array, offset: number): number => {
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_BYTES });
  c.setAAD(aad, { plaintextLength: plaintext.length });
  const body = c.update(plaintext);
  c.final();
  out.set(body, offset);
  out.set(c.getAuthTag(), offset + body.length);
  return body.length + TAG_BYTES;
};

export const seal = (key: Uint8Array, nonce: Buffer, aad: Uint8Array, plaintext: Uint8Array): Uint8Array => {
  const out = new Uint8Array(plaintext.length + TAG_BYTES);
  sealInto(key, nonce, aad, plaintext, out, 0);
  return out;
};

/** Returns the plaintext, or null if the tag does not verify. Never throws on bad input. */
export const open = (key: Uint8Array, nonce: Buffer, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null => {
  if (sealed.length < TAG_BYTES) return null;
  try {
    const d = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_BYTES });
    d.setAAD(aad, { plaintextLength: sealed.length - TAG_BYTES });
    d.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const body = d.update(sealed.subarray(0, sealed.length - TAG_BYTES));
    d.final();
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  } catch {
    return null;
  }
};
