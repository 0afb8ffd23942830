// Per-hop setup slots. The source shares one ephemeral X25519 key E with every hop; hop i opens
// only its own slot, sealed under HKDF(DH(E, route key of hop i)), learns its next hop (or that it
// is the destination), shifts the remaining slots up and pads with random bytes. So a relay
// learns its two neighbours on the route and nothing else: not the source, not the destination,
// not its position, since the slot block is always MAX_HOPS slots long.
import type { CryptoSuite } from '../identity/crypto-suite.ts';
import type { Random } from '../env/random.ts';
import { nonceFor, open, seal } from '../link/aead.ts';
import { hkdf } from '../link/kdf.ts';
import { MAX_HOPS, SLOT_BYTES, SLOT_PLAIN_BYTES, SLOTS_BYTES } from './route-wire.ts';

export const SlotFlag = { Relay: 0, Destination: 1 } as const;

export interface HopKeys { hop: Uint8Array; e2e: Uint8Array }

const derive = (dh: Uint8Array, ephemeral: Uint8Array): HopKeys => {
  const k = hkdf(dh, ephemeral, 'skywire route hop v1', 64);
  return { hop: k.slice(0, 32), e2e: k.slice(32) };
};

/** The source's view: keys for a hop whose route key it read from the topology. */
export const keysForHop = (suite: CryptoSuite, ephemeralSecret: Uint8Array, ephemeral: Uint8Array, hopRouteKey: Uint8Array): HopKeys | null => {
  const dh = suite.x25519(ephemeralSecret, hopRouteKey);
  return dh ? derive(dh, ephemeral) : null;
};

/** A hop's view: the same keys from its own route-key secret. */
export const keysAtHop = (suite: CryptoSuite, routeSecret: Uint8Array, ephemeral: Uint8Array): HopKeys | null => {
  const dh = suite.x25519(routeSecret, ephemeral);
  return dh ? derive(dh, ephemeral) : null;
};

const SLOT_NONCE = nonceFor(0);

export interface SlotSpec { key: Uint8Array; flag: number; next: Uint8Array }

export const buildSlots = (specs: SlotSpec[], ephemeral: Uint8Array, random: Random): Uint8Array => {
  if (specs.length > MAX_HOPS) throw new RangeError(`at most ${MAX_HOPS} hops`);
  const out = random.bytes(SLOTS_BYTES);
  specs.forEach((s, i) => {
    const plain = new Uint8Array(SLOT_PLAIN_BYTES);
    plain[0] = s.flag;
    plain.set(s.next, 1);
    out.set(seal(s.key, SLOT_NONCE, ephemeral, plain), i * SLOT_BYTES);
  });
  return out;
};

export interface Peeled { flag: number; next: Uint8Array; rest: Uint8Array }

export const peelSlot = (slots: Uint8Array, key: Uint8Array, ephemeral: Uint8Array, random: Random): Peeled | null => {
  if (slots.length !== SLOTS_BYTES) return null;
  const plain = open(key, SLOT_NONCE, ephemeral, slots.subarray(0, SLOT_BYTES));
  if (!plain || plain.length !== SLOT_PLAIN_BYTES || plain[0]! > SlotFlag.Destination) return null;
  const rest = new Uint8Array(SLOTS_BYTES);
  rest.set(slots.subarray(SLOT_BYTES));
  rest.set(random.bytes(SLOT_BYTES), SLOTS_BYTES - SLOT_BYTES);
  return { flag: plain[0]!, next: plain.slice(1), rest };
};

/** Nonces under a hop or end-to-end setup key; each is used once per route attempt. */
export const SetupNonce = { E2eInit: nonceFor(1), E2eAck: nonceFor(2), Broken: nonceFor(3) } as const;
