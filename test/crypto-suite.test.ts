import test from 'ava';
import { createHash } from 'node:crypto';
import { naclSuite } from '../src/identity/nacl-suite.ts';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { addressBytesOf, addressOf, ADDRESS_CHARS, parseAddress, base32Encode } from '../src/identity/address.ts';
import { identityFromSeed } from '../src/identity/identity.ts';
import { isSkywireError } from '../src/errors.ts';
import { SeededRandom } from './helpers/fuzz-random.ts';

const nacl = naclSuite();
const node = nodeSuite();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const rnd = new SeededRandom(20240601);
const seeds: Uint8Array[] = [
  new Uint8Array(32), // all zero
  new Uint8Array(32).fill(0xff),
  Uint8Array.from({ length: 32 }, (_, i) => i),
  ...Array.from({ length: 5 }, () => rnd.bytes(32)),
];

test('keyPairFromSeed: node and tweetnacl suites give identical key bytes for every seed', (t) => {
  for (const seed of seeds) {
    const a = nacl.keyPairFromSeed(seed);
    const b = node.keyPairFromSeed(seed);
    t.is(a.publicKey.length, 32);
    t.is(a.secretKey.length, 64);
    t.is(hex(b.publicKey), hex(a.publicKey), `public key for seed ${hex(seed)}`);
    t.is(hex(b.secretKey), hex(a.secretKey), `secret key for seed ${hex(seed)}`);
    t.is(hex(b.secretKey.subarray(0, 32)), hex(seed), 'secret key starts with the seed');
  }
  // Different seeds, different keys (a suite that ignored its input would pass the above).
  const pubs = new Set(seeds.map((s) => hex(node.keyPairFromSeed(s).publicKey)));
  t.is(pubs.size, seeds.length);
});

test('RFC 8032 test vector 1: both suites derive the published public key and signature', (t) => {
  const seed = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
  const pub = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
  const sig = 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';
  for (const s of [nacl, node]) {
    const kp = s.keyPairFromSeed(new Uint8Array(seed));
    t.is(hex(kp.publicKey), pub, s.name);
    t.is(hex(s.sign(kp.secretKey, new Uint8Array(0))), sig, s.name);
  }
});

test('sign: deterministic Ed25519, byte-identical between suites, and verified by both', (t) => {
  const messages = [new Uint8Array(0), Uint8Array.of(0), new TextEncoder().encode('skywire'), rnd.bytes(1000)];
  for (const seed of seeds.slice(0, 5)) {
    const kp = node.keyPairFromSeed(seed);
    for (const m of messages) {
      const s1 = node.sign(kp.secretKey, m);
      const s2 = nacl.sign(kp.secretKey, m);
      t.is(s1.length, 64);
      t.is(hex(s1), hex(s2));
      t.is(hex(node.sign(kp.secretKey, m)), hex(s1), 'deterministic');
      t.true(nacl.verify(kp.publicKey, m, s1), 'node signature verified by tweetnacl');
      t.true(node.verify(kp.publicKey, m, s2), 'tweetnacl signature verified by node');
    }
  }
});

test('verify: tampered signature, message or key is rejected by both suites, never thrown', (t) => {
  const kp = node.keyPairFromSeed(seeds[3]!);
  const other = node.keyPairFromSeed(seeds[4]!);
  const m = new TextEncoder().encode('a message');
  const sig = node.sign(kp.secretKey, m);
  for (const s of [nacl, node]) {
    for (const bit of [0, 7, 100, 255, 256, 511]) {
      const bad = sig.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      t.false(s.verify(kp.publicKey, m, bad), `${s.name}: sig bit ${bit}`);
    }
    const m2 = m.slice();
    m2[0]! ^= 1;
    t.false(s.verify(kp.publicKey, m2, sig), `${s.name}: tampered message`);
    t.false(s.verify(other.publicKey, m, sig), `${s.name}: wrong key`);
    t.false(s.verify(kp.publicKey, m, sig.subarray(0, 63)), `${s.name}: short signature`);
    t.false(s.verify(kp.publicKey.subarray(0, 31), m, sig), `${s.name}: short key`);
    t.false(s.verify(new Uint8Array(32).fill(0xff), m, sig), `${s.name}: key not on the curve`);
    t.true(s.verify(kp.publicKey, m, sig), `${s.name}: the original still verifies`);
  }
});

test('x25519Public and x25519: identical bytes in both suites, and both sides agree on the secret', (t) => {
  for (let i = 0; i < 6; i++) {
    const a = rnd.bytes(32);
    const b = rnd.bytes(32);
    const pa = node.x25519Public(a);
    const pb = node.x25519Public(b);
    t.is(hex(pa), hex(nacl.x25519Public(a)));
    t.is(hex(pb), hex(nacl.x25519Public(b)));
    const s1 = node.x25519(a, pb);
    const s2 = nacl.x25519(a, pb);
    const s3 = node.x25519(b, pa);
    t.truthy(s1);
    t.is(hex(s1!), hex(s2!));
    t.is(hex(s1!), hex(s3!), 'DH is symmetric');
  }
});

test('x25519: RFC 7748 section 6.1 vector in both suites', (t) => {
  const a = new Uint8Array(Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex'));
  const bPub = new Uint8Array(Buffer.from('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f', 'hex'));
  for (const s of [nacl, node]) {
    t.is(hex(s.x25519Public(a)), '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a', s.name);
    t.is(hex(s.x25519(a, bPub)!), '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742', s.name);
  }
});

test('x25519 returns null for low-order points (all-zero key and others) and wrong lengths in both suites', (t) => {
  const secret = rnd.bytes(32);
  const lowOrder = [
    new Uint8Array(32), // 0
    Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0)), // 1
    new Uint8Array(Buffer.from('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', 'hex')), // order 8
  ];
  for (const s of [nacl, node]) {
    for (const p of lowOrder) t.is(s.x25519(secret, p), null, `${s.name}: ${hex(p)}`);
    t.is(s.x25519(secret, new Uint8Array(31)), null, `${s.name}: 31-byte key`);
  }
});

test('address: 26 lowercase base32 chars, the first 16 bytes of SHA-256(public key)', (t) => {
  const ALPHA = 'abcdefghijklmnopqrstuvwxyz234567';
  // An independent base32 over the digest, bit by bit.
  const b32 = (bytes: Uint8Array): string => {
    const bits = [...bytes].map((x) => x.toString(2).padStart(8, '0')).join('');
    let out = '';
    for (let i = 0; i < bits.length; i += 5) out += ALPHA[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
    return out;
  };
  for (const seed of seeds) {
    const id = identityFromSeed(node, seed);
    const digest = createHash('sha256').update(id.publicKey).digest().subarray(0, 16);
    t.is(hex(id.addressBytes), digest.toString('hex'));
    t.is(hex(addressBytesOf(id.publicKey)), digest.toString('hex'));
    t.is(id.address, b32(digest));
    t.is(addressOf(id.publicKey), id.address);
    t.is(id.address.length, ADDRESS_CHARS);
    t.regex(id.address, /^[a-z2-7]{26}$/);
    t.is(hex(parseAddress(id.address)), hex(id.addressBytes), 'parseAddress inverts the encoding');
    t.is(hex(parseAddress(id.address.toUpperCase())), hex(id.addressBytes), 'upper case accepted');
  }
  t.is(identityFromSeed(nacl, seeds[5]!).address, identityFromSeed(node, seeds[5]!).address);
});

test('parseAddress rejects bad input with SkywireError BAD_ADDRESS', (t) => {
  const good = identityFromSeed(node, seeds[2]!).address;
  // The 26th character carries 3 data bits and 2 padding bits: a non-zero pad is not canonical.
  const lastIdx = 'abcdefghijklmnopqrstuvwxyz234567'.indexOf(good[25]!);
  const nonCanonical = good.slice(0, 25) + 'abcdefghijklmnopqrstuvwxyz234567'[lastIdx ^ 1]!;
  const bad = ['', 'a', good.slice(0, 25), good + 'a', good.slice(0, 25) + '1', good.slice(0, 25) + '0', good.slice(0, 24) + '8a',
    good.slice(0, 25) + '=', 'x'.repeat(100), nonCanonical, good.replace(/./, ' ')];
  for (const b of bad) {
    const err = t.throws(() => parseAddress(b), undefined, JSON.stringify(b));
    t.true(isSkywireError(err, 'BAD_ADDRESS'), `${JSON.stringify(b)}: ${String(err)}`);
  }
  // Sanity: the round trip of base32Encode is what parseAddress accepts.
  t.is(base32Encode(parseAddress(good)), good);
});
