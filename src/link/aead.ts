// ChaCha20-Poly1305 (RFC 8439, the IETF variant). The 12-byte nonce is 4 zero bytes and the
// 64-bit packet counter, so a key must never see a counter twice: session.ts guarantees that.
//
// Two backends that give the same bytes (test/aead-backends.test.ts): libsodium through
// sodium-native, which seals and opens in place in about 2 us per 1,400 bytes, and node:crypto,
// which makes a cipher object per packet (7 us at 1,400 bytes) but is faster on jumbo packets
// (LARGE_PACKET_BYTES), and is the whole fallback where the native module has no prebuild
// (32-bit ARM) or fails to load. SKYWIRE_AEAD=node picks the fallback.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { createRequire } from 'node:module';
import { TAG_BYTES } from '../wire/constants.ts';
import { setU32 } from '../wire/bytes.ts';

interface Sodium {
  crypto_aead_chacha20poly1305_ietf_encrypt_detached(c: Uint8Array, mac: Uint8Array, m: Uint8Array, ad: Uint8Array | null, nsec: null, npub: Uint8Array, k: Uint8Array): number;
  crypto_aead_chacha20poly1305_ietf_decrypt_detached(m: Uint8Array, nsec: null, c: Uint8Array, mac: Uint8Array, ad: Uint8Array | null, npub: Uint8Array, k: Uint8Array): void;
}

const loadSodium = (): Sodium | undefined => {
  if (process.env.SKYWIRE_AEAD === 'node') return undefined;
  try {
    return createRequire(import.meta.url)('sodium-native') as Sodium;
  } catch {
    return undefined;
  }
};

/** Both backends, so a test can compare them; `aead` below is the one the node uses. */
export interface AeadBackend {
  readonly name: 'sodium-native' | 'node:crypto';
  /** Seals buf[start, end) in place and writes the tag at buf[end, end + 16). */
  sealInPlace(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, start: number, end: number): void;
  /** Opens buf[start, end) in place, its tag at buf[end, end + 16); false if the tag fails
   *  (the bytes are then garbage or zeros: the caller drops the packet). Never throws. */
  openInPlace(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, start: number, end: number): boolean;
}

export const nodeBackend: AeadBackend = {
  name: 'node:crypto',
  sealInPlace(key, nonce, aad, buf, start, end) {
    const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_BYTES });
    c.setAAD(aad, { plaintextLength: end - start });
    const body = c.update(buf.subarray(start, end));
    c.final();
    buf.set(body, start);
    buf.set(c.getAuthTag(), end);
  },
  openInPlace(key, nonce, aad, buf, start, end) {
    try {
      const d = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_BYTES });
      d.setAAD(aad, { plaintextLength: end - start });
      d.setAuthTag(buf.subarray(end, end + TAG_BYTES));
      const body = d.update(buf.subarray(start, end));
      d.final();
      buf.set(body, start);
      return true;
    } catch {
      return false;
    }
  },
};

const sodiumBackend = (s: Sodium): AeadBackend => ({
  name: 'sodium-native',
  sealInPlace(key, nonce, aad, buf, start, end) {
    const m = buf.subarray(start, end);
    s.crypto_aead_chacha20poly1305_ietf_encrypt_detached(m, buf.subarray(end, end + TAG_BYTES), m, aad.length ? aad : null, null, nonce, key);
  },
  openInPlace(key, nonce, aad, buf, start, end) {
    const c = buf.subarray(start, end);
    try {
      // libsodium checks the tag before it decrypts, so in place is safe.
      s.crypto_aead_chacha20poly1305_ietf_decrypt_detached(c, null, c, buf.subarray(end, end + TAG_BYTES), aad.length ? aad : null, nonce, key);
      return true;
    } catch {
      return false;
    }
  },
});

/** From this size up OpenSSL's vectorised ChaCha20 (AVX-512 here) outruns libsodium by more
 *  than node:crypto's per-packet cipher object costs: measured 20 against 25 us at 32 KB and 32
 *  against 48 us at 64 KB, while at 1,400 bytes libsodium takes 1.8 us and node:crypto 7. Only
 *  jumbo datagrams (loopback) get there. Both give the same bytes, so the mix is invisible. */
export const LARGE_PACKET_BYTES = 24 * 1024;

const hybrid = (small: AeadBackend): AeadBackend => ({
  name: small.name,
  sealInPlace: (key, nonce, aad, buf, start, end) => (end - start >= LARGE_PACKET_BYTES ? nodeBackend : small).sealInPlace(key, nonce, aad, buf, start, end),
  openInPlace: (key, nonce, aad, buf, start, end) => (end - start >= LARGE_PACKET_BYTES ? nodeBackend : small).openInPlace(key, nonce, aad, buf, start, end),
});

const sodium = loadSodium();
export const sodiumAead: AeadBackend | undefined = sodium ? sodiumBackend(sodium) : undefined;
export const aead: AeadBackend = sodiumAead ? hybrid(sodiumAead) : nodeBackend;

/** Writes the nonce for `counter` into a session's own 12-byte buffer (no object per packet). */
export const writeNonce = (n: Uint8Array, counter: number): Uint8Array => {
  setU32(n, 0, 0);
  setU32(n, 4, Math.floor(counter / 0x1_0000_0000));
  setU32(n, 8, counter >>> 0);
  return n;
};

export const nonceFor = (counter: number): Uint8Array => writeNonce(new Uint8Array(12), counter);

/** Seals plaintext into `out` at `offset`; returns the number of bytes written (len + 16). */
export const sealInto = (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, out: Uint8Array, offset: number): number => {
  out.set(plaintext, offset);
  aead.sealInPlace(key, nonce, aad, out, offset, offset + plaintext.length);
  return plaintext.length + TAG_BYTES;
};

export const seal = (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array => {
  const out = new Uint8Array(plaintext.length + TAG_BYTES);
  sealInto(key, nonce, aad, plaintext, out, 0);
  return out;
};

/** Returns the plaintext (a copy: `sealed` is left as it was), or null if the tag does not
 *  verify. Never throws on bad input. */
export const open = (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null => {
  if (sealed.length < TAG_BYTES) return null;
  const copy = sealed.slice();
  return aead.openInPlace(key, nonce, aad, copy, 0, copy.length - TAG_BYTES) ? copy.subarray(0, copy.length - TAG_BYTES) : null;
};
