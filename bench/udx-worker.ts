// One end of the secret-stream-over-udx-native baseline (Holepunch's encrypted UDP stream, what
// a user might pick instead of us): driven over the fork IPC channel by bench/udx-baseline.ts.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
type Duplex = import('node:stream').Duplex;
interface UdxStream extends Duplex { connect(sock: unknown, remoteId: number, port: number, host: string): void }
interface Udx { createSocket(): { bind(port: number, host: string): void; address(): { port: number } }; createStream(id: number): UdxStream }
const UDX = require('udx-native') as new () => Udx;
const SecretStream = require('@hyperswarm/secret-stream') as new (initiator: boolean, raw: Duplex) => Duplex;

type Msg = { role: 'bind' } | { role: 'sink' | 'source'; peerPort: number; bytes: number };
const send = (m: unknown): void => void process.send!(m);
const now = (): number => performance.timeOrigin + performance.now();

const udx = new UDX();
const sock = udx.createSocket();
sock.bind(0, '127.0.0.1');

process.on('message', (m: Msg & { exit?: boolean }) => {
  if (m.exit) process.exit(0);
  if (m.role === 'bind') return send({ port: sock.address().port });
  const source = m.role === 'source';
  const raw = udx.createStream(source ? 1 : 2);
  raw.connect(sock, source ? 2 : 1, m.peerPort, '127.0.0.1');
  const s = new SecretStream(source, raw);
  if (!source) {
    let got = 0;
    s.on('data', (c: Buffer) => {
      got += c.length;
      if (got >= m.bytes) send({ done: now(), bytes: got });
    });
    return;
  }
  const chunk = Buffer.alloc(64 * 1024, 0x5a);
  s.once('connect', async () => {
    send({ start: now() });
    for (let sent = 0; sent < m.bytes; sent += chunk.length) {
      if (!s.write(chunk)) await new Promise((r) => s.once('drain', r));
    }
  });
});
send({ ready: true });
