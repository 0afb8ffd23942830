// The amateur-mode counterpart of a session. Each side sends a hello signed with its node key,
// carrying an ephemeral X25519 key; the two hellos give both sides the same pair of MAC keys
// (one per direction), and every later frame carries a 16-byte tag instead of a 64-byte
// signature. Nothing is encrypted: the keys only authenticate. A replay window over the
// sender's counter drops repeats. The counter starts at the wall clock in ms and counts up by
// one per frame, so a restarted sender continues above its old counters without saving state.
import type { CryptoSuite } from '../identity/crypto-suite.ts';
import type { Identity } from '../identity/identity.ts';
import { addressBytesOf } from '../identity/address.ts';
import { equalBytes, hkdf, mac16, sha256 } from '../link/kdf.ts';
import { ReplayWindow } from '../link/replay-window.ts';
import type { DropReason } from '../wire/result.ts';
import { authInput, concat, decodeHello, decodeSignedData, decodeSolo, encodeDataBody, encodeHelloBody, encodeSoloBody } from './signed-wire.ts';

export interface SignedCtx { suite: CryptoSuite; identity: Identity }
export interface Ephemeral { secret: Uint8Array; publicKey: Uint8Array }
export interface OpenedHello { publicKey: Uint8Array; ephemeral: Uint8Array; address: Uint8Array; ask: boolean; counter: number }

/** One link's counter: it only has to grow. */
export class SignedCounter {
  private last = 0;
  next(wallMs: number): number {
    this.last = Math.max(this.last + 1, Math.floor(wallMs));
    return this.last;
  }
}

export const sealHello = (c: SignedCtx, counter: number, ask: boolean, src: string, eph: Ephemeral): Uint8Array => {
  const body = encodeHelloBody(ask ? 1 : 0, counter, c.identity.publicKey, eph.publicKey);
  return concat(body, c.suite.sign(c.identity.secretKey, authInput('hello', src, '', body)));
};

export const openHello = (c: SignedCtx, bytes: Uint8Array, src: string): OpenedHello | DropReason => {
  const h = decodeHello(bytes);
  if (!h.ok) return h.reason;
  const v = h.value;
  if (!c.suite.verify(v.publicKey, authInput('hello', src, '', v.signed), v.sig)) return 'bad-signature';
  return { publicKey: v.publicKey.slice(), ephemeral: v.ephemeral.slice(), address: addressBytesOf(v.publicKey), ask: (v.flags & 1) === 1, counter: v.counter };
};

export const sealData = (txKey: Uint8Array, counter: number, inner: Uint8Array, src: string, dest: string): Uint8Array => {
  const body = encodeDataBody(counter, inner);
  return concat(body, mac16(txKey, authInput('data', src, dest, body)));
};

/** A frame any station can check from cold (src/radio/signed-wire.ts, Solo). */
export const sealSolo = (c: SignedCtx, counter: number, inner: Uint8Array, src: string, dest: string): Uint8Array => {
  const body = encodeSoloBody(counter, c.identity.publicKey, inner);
  return concat(body, c.suite.sign(c.identity.secretKey, authInput('solo', src, dest, body)));
};

export interface OpenedSolo { address: Uint8Array; counter: number; inner: Uint8Array }

export const openSolo = (c: SignedCtx, bytes: Uint8Array, src: string, dest: string): OpenedSolo | DropReason => {
  const s = decodeSolo(bytes);
  if (!s.ok) return s.reason;
  const v = s.value;
  if (!c.suite.verify(v.publicKey, authInput('solo', src, dest, v.signed), v.sig)) return 'bad-signature';
  return { address: addressBytesOf(v.publicKey), counter: v.counter, inner: v.inner };
};

/** Solo frames from one peer: counters only grow within a window, from the first one seen. */
export class SoloWindow {
  private readonly window = new ReplayWindow();
  private base: number | undefined;
  accept(counter: number): boolean {
    this.base ??= Math.max(0, counter - 2048);
    const off = counter - this.base;
    return off >= 0 && this.window.commit(off);
  }
}

const lessThan = (a: Uint8Array, b: Uint8Array): boolean => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
};

/** The peer as learnt from its hello: its keys, our MAC keys with it, and a replay window. */
export class SignedPeer {
  private readonly window = new ReplayWindow();
  // The window works on offsets from the first counter seen, so u48 counters stay small.
  private readonly base: number;

  private constructor(readonly publicKey: Uint8Array, readonly ephemeral: Uint8Array, readonly txKey: Uint8Array, private readonly rxKey: Uint8Array, firstCounter: number) {
    this.base = Math.max(0, firstCounter - 2048);
  }

  /** Keys from our ephemeral and the peer's hello; null for a low-order ephemeral. */
  static derive(c: SignedCtx, mine: Ephemeral, h: OpenedHello): SignedPeer | null {
    const shared = c.suite.x25519(mine.secret, h.ephemeral);
    if (!shared) return null;
    const meFirst = lessThan(c.identity.addressBytes, h.address);
    const salt = meFirst ? sha256(mine.publicKey, h.ephemeral) : sha256(h.ephemeral, mine.publicKey);
    const okm = hkdf(shared, salt, 'skywire/radio/v1/mac', 64);
    const [first, second] = [okm.slice(0, 32), okm.slice(32)];
    return new SignedPeer(h.publicKey, h.ephemeral, meFirst ? first : second, meFirst ? second : first, h.counter);
  }

  /** Same peer key and same ephemeral: the keys we hold still apply. */
  matches(h: OpenedHello): boolean {
    return equalBytes(h.publicKey, this.publicKey) && equalBytes(h.ephemeral, this.ephemeral);
  }

  /** Accepts a hello counter (replayed hellos must not revive a link either). */
  commit(counter: number): boolean {
    return counter >= this.base && this.window.commit(counter - this.base);
  }

  open(bytes: Uint8Array, src: string, dest: string): Uint8Array | DropReason {
    const d = decodeSignedData(bytes);
    if (!d.ok) return d.reason;
    const off = d.value.counter - this.base;
    if (off < 0 || !this.window.check(off)) return 'replay';
    if (!equalBytes(mac16(this.rxKey, authInput('data', src, dest, d.value.tagged)), d.value.tag)) return 'bad-tag';
    this.window.commit(off);
    return d.value.inner;
  }
}
