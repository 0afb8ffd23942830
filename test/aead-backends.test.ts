// libsodium (sodium-native) and node:crypto must give the same bytes for ChaCha20-Poly1305, so
// two nodes with different backends talk, and in-place sealing must equal sealing into a fresh
// buffer. The node uses libsodium where it loads (a prebuild for x64 and arm64).
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { aead, nodeBackend, open, seal, sodiumAead, writeNonce } from '../src/link/aead.ts';
import { Session } from '../src/link/session.ts';
import { packetFor, PACKET_HEADROOM } from '../src/wire/packet.ts';

test('sodium-native loads here and is the backend the node uses', (t) => {
  t.truthy(sodiumAead, 'sodium-native prebuild loads');
  t.is(aead.name, 'sodium-native');
});

test('both backends seal to the same bytes and open each other\'s packets in place', (t) => {
  const s = sodiumAead!;
  for (const len of [0, 1, 15, 16, 17, 1400, 1452, 65_000]) {
    const key = randomBytes(32); const nonce = writeNonce(new Uint8Array(12), len * 7919); const aad = randomBytes(14);
    const plain = randomBytes(len);
    const a = new Uint8Array(len + 16); a.set(plain);
    const b = new Uint8Array(len + 16); b.set(plain);
    s.sealInPlace(key, nonce, aad, a, 0, len);
    nodeBackend.sealInPlace(key, nonce, aad, b, 0, len);
    t.deepEqual(a, b, `${len} bytes: same ciphertext and tag`);
    const c = a.slice();
    t.true(nodeBackend.openInPlace(key, nonce, aad, a, 0, len));
    t.true(s.openInPlace(key, nonce, aad, c, 0, len));
    t.deepEqual(a.subarray(0, len), new Uint8Array(plain));
    t.deepEqual(c.subarray(0, len), new Uint8Array(plain));
  }
});

test('a flipped bit in the tag, the body or the associated data fails on both, without throwing', (t) => {
  const key = randomBytes(32); const nonce = writeNonce(new Uint8Array(12), 5); const aad = randomBytes(14);
  const sealed = seal(key, nonce, aad, randomBytes(100));
  for (const backend of [sodiumAead!, nodeBackend]) {
    for (const at of [0, 50, 99, 100, 115]) {
      const x = sealed.slice(); x[at]! ^= 1;
      t.false(backend.openInPlace(key, nonce, aad, x, 0, 100), `${backend.name} at ${at}`);
    }
    const badAad = new Uint8Array(aad); badAad[3]! ^= 0x80; // a copy: Buffer.slice would share aad's bytes
    t.false(backend.openInPlace(key, nonce, badAad, sealed.slice(), 0, 100));
    t.false(backend.openInPlace(key, writeNonce(new Uint8Array(12), 6), aad, sealed.slice(), 0, 100), 'another counter');
  }
  t.is(open(key, nonce, aad, sealed.subarray(0, 10)), null, 'shorter than a tag');
});

test('a packet sealed in place with headroom is byte for byte the packet sealed into a fresh buffer', (t) => {
  const keys = { sendKey: randomBytes(32), recvKey: randomBytes(32), localIndex: 1, remoteIndex: 0xabcdef, initiator: true } as unknown as ConstructorParameters<typeof Session>[0];
  const a = new Session(keys, 0); const b = new Session(keys, 0);
  const plain = randomBytes(1400);
  const fresh = a.seal(plain)!;
  const p = packetFor(1400); p.set(plain);
  const buf = new Uint8Array(p.buffer);
  t.true(b.sealPacket(buf, PACKET_HEADROOM, PACKET_HEADROOM + 1400));
  t.deepEqual(buf.subarray(PACKET_HEADROOM - 14, PACKET_HEADROOM + 1416), fresh);
});
