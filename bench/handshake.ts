// Full 1-RTT link handshakes per second on one core (both sides' work: sign, verify, X25519,
// HKDF), through node:crypto against the same code on tweetnacl, the key-format reference.
import { randomBytes } from 'node:crypto';
import type { CryptoSuite } from '../src/identity/crypto-suite.ts';
import { identityFromSeed } from '../src/identity/identity.ts';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { naclSuite } from '../src/identity/nacl-suite.ts';
import { checkInitMacs, consumeResp, createInit, createResp, verifyInit } from '../src/link/handshake.ts';
import { print, rate } from './machine.ts';

const handshakeWith = (suite: CryptoSuite) => {
  const a = { suite, identity: identityFromSeed(suite, randomBytes(32)) };
  const b = { suite, identity: identityFromSeed(suite, randomBytes(32)) };
  const eph = randomBytes(32);
  return () => {
    const st = createInit(a, { responder: b.identity.addressBytes, senderIndex: 1, ephemeralSecret: eph, timestamp: 1 });
    const c = checkInitMacs(b, st.bytes);
    if (!c.ok || !verifyInit(b, c.value, st.bytes).ok) throw new Error('init rejected');
    const r = createResp(b, st.bytes, c.value, { senderIndex: 2, ephemeralSecret: eph });
    if (!r.ok || !consumeResp(a, st, r.value.bytes).ok) throw new Error('resp rejected');
  };
};

const node = rate(handshakeWith(nodeSuite()), 2000);
const nacl = rate(handshakeWith(naclSuite()), 3000, 200);
print('handshakes', {
  unit: 'complete handshakes per second (initiator + responder work, one core)',
  nodeCrypto: node.perSec,
  tweetnacl: nacl.perSec,
  speedup: Math.round(node.perSec / Math.max(1, nacl.perSec)),
});
