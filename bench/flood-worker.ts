// The attacker of bench/flood and test/flood: its own process (one core), many UDP source
// endpoints on loopback, sending to one target as fast as it can for a bounded time.
// - handshake: valid HandshakeInits, each from a fresh identity (random seed) with a fresh
//   ephemeral key and signature, mac1 computed for the target's address. Cookie replies are
//   opened and every later init from that socket carries mac2, as a real attacker that can
//   receive at its source passes the cookie check; only the target's rate limits stop it.
// - data: junk datagrams and well-formed transport packets (header with a random receiver
//   index, random ciphertext) that no session can open.
// Sends are paced by their callbacks (at most MAX_IN_FLIGHT queued), so memory stays bounded
// however slow the kernel is, and the loop yields every few ms so cookie replies are read.
import { createSocket, type Socket } from 'node:dgram';
import { randomBytes, randomInt } from 'node:crypto';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { identityFromSeed } from '../src/identity/identity.ts';
import { parseAddress } from '../src/identity/address.ts';
import { createInit } from '../src/link/handshake.ts';
import { mac16 } from '../src/link/kdf.ts';
import { openCookie } from '../src/link/cookie-open.ts';
import { decodeCookie } from '../src/wire/cookie-reply.ts';
import { encodeTransportHeader } from '../src/wire/transport.ts';
import { MsgType } from '../src/wire/constants.ts';

/** sink: the same work, sent to a socket of the attacker's own instead of the target: what the
 *  attacker's CPU alone costs everyone else on a shared machine. */
/** manyAddresses: socket i binds to its own loopback address (127.77.x.y: all of 127/8 is
 *  loopback on Linux), as a flood from many machines comes from many addresses; else all
 *  sockets share 127.0.0.1. */
export interface FloodOrder { kind: 'handshake' | 'data'; host: string; port: number; responder: string; sockets: number; durationMs: number; sink?: boolean; manyAddresses?: boolean }
export interface FloodReport {
  kind: string; sockets: number; ms: number; sent: number; perSec: number; sendErrors: number;
  /** Handshake flood only: cookie replies opened, inits sent with a valid mac2, responses got. */
  cookies: number; withMac2: number; responses: number; cpuMs: number;
}

const MAX_IN_FLIGHT = 2048;
const SLICE_MS = 4;
const suite = nodeSuite();

const sourceHost = (i: number, many: boolean): string => (many ? `127.77.${Math.floor(i / 250) % 256}.${1 + (i % 250)}` : '127.0.0.1');

const openSockets = async (n: number, onMessage: (s: number, b: Buffer) => void, many = false): Promise<Socket[]> => Promise.all(Array.from({ length: n }, (_, i) => new Promise<Socket>((res, rej) => {
  const s = createSocket('udp4', (msg) => onMessage(i, msg));
  s.once('error', rej);
  s.bind(0, sourceHost(i, many), () => { s.off('error', rej); s.on('error', () => undefined); res(s); });
})));

export const flood = async (o: FloodOrder): Promise<FloodReport> => {
  const responder = parseAddress(o.responder, 'target address');
  const cookies: (Uint8Array | undefined)[] = new Array(o.sockets);
  // senderIndex -> the init it came with (its mac1 is the cookie's associated data); bounded.
  const pending = new Map<number, Uint8Array>();
  const r = { cookies: 0, withMac2: 0, responses: 0, sent: 0, sendErrors: 0 };
  const sockets = await openSockets(o.sockets, (s, b) => {
    if (b[1] === MsgType.HandshakeResp) { r.responses++; return; }
    if (b[1] !== MsgType.CookieReply) return;
    const c = decodeCookie(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    const init = c.ok ? pending.get(c.value.receiverIndex) : undefined;
    const cookie = c.ok && init ? openCookie(responder, init, c.value) : null;
    if (cookie) { cookies[s] = cookie; r.cookies++; }
  }, o.manyAddresses === true);
  const sink = o.sink ? (await openSockets(1, () => undefined))[0]! : undefined;
  const port = sink ? sink.address().port : o.port;
  let inFlight = 0;
  const sent = (err: Error | null): void => { inFlight--; if (err) r.sendErrors++; };
  let index = randomInt(1, 2 ** 31);
  const handshake = (s: number): Uint8Array => {
    const identity = identityFromSeed(suite, new Uint8Array(randomBytes(32)));
    const senderIndex = (index = (index + 1) >>> 0);
    const cookie = cookies[s];
    const st = createInit({ suite, identity }, { responder, senderIndex, ephemeralSecret: new Uint8Array(randomBytes(32)), timestamp: Date.now() });
    if (cookie) { st.bytes.set(mac16(cookie, st.bytes.subarray(0, 174)), 174); r.withMac2++; }
    if (pending.size >= 65_536) pending.clear();
    pending.set(senderIndex, st.bytes);
    return st.bytes;
  };
  const junk = randomBytes(65_536);
  const data = (): Uint8Array => {
    if (Math.random() < 0.3) { // junk: any length, any bytes (often even a valid-looking type)
      const at = randomInt(0, 60_000);
      return junk.subarray(at, at + randomInt(1, 200));
    }
    const b = new Uint8Array(randomInt(46, 1400));
    b.set(junk.subarray(0, b.length));
    encodeTransportHeader(b, randomInt(0, 2 ** 32), randomInt(0, 2 ** 40));
    return b;
  };
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  let s = 0;
  while (Date.now() - t0 < o.durationMs) {
    const sliceEnd = Date.now() + SLICE_MS;
    while (Date.now() < sliceEnd && inFlight < MAX_IN_FLIGHT) {
      const bytes = o.kind === 'handshake' ? handshake(s) : data();
      inFlight++;
      r.sent++;
      sockets[s]!.send(bytes, port, o.host, sent);
      s = (s + 1) % o.sockets;
    }
    await new Promise((res) => setImmediate(res)); // read cookie replies, run send callbacks
  }
  const ms = Date.now() - t0;
  const c = process.cpuUsage(cpu0);
  await Promise.all([...sockets, ...(sink ? [sink] : [])].map((x) => new Promise<void>((res) => x.close(() => res()))));
  return { kind: o.kind, sockets: o.sockets, ms, ...r, perSec: Math.round((r.sent / ms) * 1000), cpuMs: Math.round((c.user + c.system) / 1000) };
};

if (process.send) {
  process.on('message', (m: { flood?: FloodOrder; exit?: true }) => {
    if (m.exit) process.exit(0);
    if (m.flood) flood(m.flood).then((report) => process.send!({ report }), (e: Error) => process.send!({ failed: e.message }));
  });
  process.send({ loaded: true });
}
