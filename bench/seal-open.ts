// Transport seal+open throughput through Session (header, counter, replay window) against raw
// node:crypto ChaCha20-Poly1305 on the same sizes: the cost our framing adds.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Session } from '../src/link/session.ts';
import type { SessionKeys } from '../src/link/handshake.ts';
import { decodeTransportHeader } from '../src/wire/transport.ts';
import { print, rate } from './machine.ts';

const key = randomBytes(32);
const keys = (initiator: boolean): SessionKeys => ({ sendKey: key, recvKey: key, localIndex: 1, remoteIndex: 1, initiator, peerStatic: new Uint8Array(32), peerAddress: new Uint8Array(16) });

const results = [64, 512, 1400].map((size) => {
  const plain = randomBytes(size);
  const tx = new Session(keys(true), 0);
  const rx = new Session(keys(false), 0);
  const ours = rate(() => {
    const p = tx.seal(plain)!;
    const h = decodeTransportHeader(p);
    if (!h.ok || typeof rx.open(p, h.value.counter) === 'string') throw new Error('open failed');
  }, 1500);
  let n = 0;
  const raw = rate(() => {
    const nonce = Buffer.alloc(12);
    nonce.writeUInt32BE(n++, 8);
    const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
    const ct = Buffer.concat([c.update(plain), c.final()]);
    const tag = c.getAuthTag();
    const d = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
    d.setAuthTag(tag);
    Buffer.concat([d.update(ct), d.final()]);
  }, 1500);
  const mb = (r: { perSec: number }) => Math.round((r.perSec * size) / 1e5) / 10;
  return { payloadBytes: size, oursMBps: mb(ours), rawNodeCryptoMBps: mb(raw), oursPacketsPerSec: ours.perSec, rawPacketsPerSec: raw.perSec, ratio: Math.round((100 * ours.perSec) / raw.perSec) / 100 };
});
print('seal-open', { unit: 'MB/s of payload sealed and opened on one core', results });
