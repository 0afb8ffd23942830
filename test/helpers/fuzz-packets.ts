// Garbage for fuzzing: pure random datagrams, random bytes behind a plausible header, and
// mutations (bit flips, byte stores, truncations, extensions, splices, verbatim replays) of
// valid packets. Everything is drawn from a SeededRandom, so a failure replays from its seed.
import { MsgType, WIRE_VERSION } from '../../src/wire/constants.ts';
import type { SeededRandom } from './fuzz-random.ts';

export type Mutation = 'random' | 'header' | 'flip' | 'store' | 'truncate' | 'extend' | 'short1' | 'long1' | 'splice' | 'verbatim';

export interface FuzzPacket { bytes: Uint8Array; mutation: Mutation; base: string | null }

export interface Corpus { [name: string]: Uint8Array[] }

const TYPES = [MsgType.HandshakeInit, MsgType.HandshakeResp, MsgType.CookieReply, MsgType.Transport];

export const pureRandom = (r: SeededRandom, maxLen = 300): Uint8Array => r.bytes(r.int(maxLen + 1));

export const withHeader = (r: SeededRandom): Uint8Array => {
  const lens = [190, 154, 50, 30, 31, 45, 13, 1, 2];
  const len = r.float() < 0.5 ? lens[r.int(lens.length)]! + r.int(3) - 1 : r.int(300);
  const b = r.bytes(Math.max(2, len));
  b[0] = WIRE_VERSION;
  b[1] = TYPES[r.int(TYPES.length)]!;
  return b;
};

export const mutate = (r: SeededRandom, src: Uint8Array): { bytes: Uint8Array; mutation: Mutation } => {
  const roll = r.int(100);
  if (roll < 35) {
    const b = src.slice();
    const n = 1 + r.int(4);
    for (let i = 0; i < n && b.length; i++) b[r.int(b.length)]! ^= 1 << r.int(8);
    return { bytes: b, mutation: 'flip' };
  }
  if (roll < 50) {
    const b = src.slice();
    const n = 1 + r.int(3);
    for (let i = 0; i < n && b.length; i++) b[r.int(b.length)] = r.int(256);
    return { bytes: b, mutation: 'store' };
  }
  if (roll < 62) return { bytes: src.slice(0, r.int(src.length)), mutation: 'truncate' };
  if (roll < 72) {
    const extra = r.bytes(1 + r.int(40));
    const b = new Uint8Array(src.length + extra.length);
    b.set(src);
    b.set(extra, src.length);
    return { bytes: b, mutation: 'extend' };
  }
  if (roll < 78) return { bytes: src.slice(0, Math.max(0, src.length - 1)), mutation: 'short1' };
  if (roll < 84) {
    const b = new Uint8Array(src.length + 1);
    b.set(src);
    b[src.length] = r.int(256);
    return { bytes: b, mutation: 'long1' };
  }
  if (roll < 92) {
    // Same prefix, a fresh random tail from a random point: keeps header, breaks MACs and tags.
    const cut = r.int(src.length + 1);
    const b = src.slice();
    b.set(r.bytes(b.length - cut), cut);
    return { bytes: b, mutation: 'splice' };
  }
  return { bytes: src.slice(), mutation: 'verbatim' };
};

/** One fuzz packet: ~25% pure random, ~15% random behind a valid header, ~60% mutated corpus. */
export const fuzzPacket = (r: SeededRandom, corpus: Corpus): FuzzPacket => {
  const roll = r.int(100);
  if (roll < 25) return { bytes: pureRandom(r), mutation: 'random', base: null };
  if (roll < 40) return { bytes: withHeader(r), mutation: 'header', base: null };
  const names = Object.keys(corpus).filter((k) => corpus[k]!.length > 0);
  const base = names[r.int(names.length)]!;
  const list = corpus[base]!;
  return { ...mutate(r, list[r.int(list.length)]!), base };
};
