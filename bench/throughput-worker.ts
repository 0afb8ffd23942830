// One process of bench/throughput: a real node (runNode, UDP on loopback) acting as source,
// sink or relay, or one end of the raw node:dgram baseline. Driven over the fork IPC channel.
import { createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { runNode } from '../src/cli/run-node.ts';

type Msg = { role: 'source' | 'sink' | 'relay'; home: string; dest?: string; bytes?: number }
  | { role: 'raw-sink'; port: number } | { role: 'raw-source'; port: number; bytes: number };

const send = (m: unknown): void => void process.send!(m);
const now = (): number => performance.timeOrigin + performance.now();
const quiet = { info: () => {}, warn: (m: string) => process.stderr.write(`${m}\n`) };
let debugOut = (): unknown => undefined;
const CHUNK = 64 * 1024;

const overlayRole = async (m: Extract<Msg, { home: string }>): Promise<void> => {
  const { overlay } = await runNode({ home: m.home, peer: [] }, quiet);
  if (m.role === 'sink') {
    overlay.listen(9, (s) => {
      let got = 0;
      s.on('data', (c: Buffer) => { got += c.length; });
      s.on('end', () => { send({ done: now(), bytes: got }); s.end(); });
    });
  }
  send({ ready: true });
  if (m.role !== 'source') return;
  // Wait for the route first so the figure is the transfer, not link and topology start-up.
  for (let i = 0; i < 600; i++) {
    if (overlay.routes().some((r) => r.dest === m.dest && r.state === 'established')) break;
    try { overlay.router.route(m.dest!); } catch { /* no path yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  const s = overlay.dial(m.dest!, 9);
  await new Promise<void>((res, rej) => { s.once('connect', res); s.once('error', rej); });
  const buf = Buffer.alloc(CHUNK, 0x5a);
  send({ start: now() });
  for (let sent = 0; sent < m.bytes!; sent += CHUNK) {
    if (!s.write(buf)) await new Promise((r) => s.once('drain', r));
  }
  s.end();
  s.resume();
  if (process.env.BENCH_DEBUG) {
    const core = (s as unknown as { core: { sender: { stats: unknown; cc: { cwnd: number }; rtt: { rto: number } } } }).core;
    debugOut = () => process.stderr.write(`source stats ${JSON.stringify(core.sender.stats)} cwnd ${core.sender.cc.cwnd} rto ${core.sender.rtt.rto}\n`);
  }
};

const rawSink = (port: number): void => {
  const sock = createSocket('udp4');
  let got = 0; let first = 0; let last = 0;
  sock.on('message', (b) => { if (got === 0) first = now(); got += b.length; last = now(); });
  sock.bind(port, '127.0.0.1', () => send({ ready: true }));
  process.on('message', (x: { report?: boolean }) => {
    if (x.report) send({ bytes: got, first, last });
  });
};

const rawSource = async (port: number, bytes: number): Promise<void> => {
  const sock = createSocket('udp4');
  const pkt = Buffer.alloc(1400, 0x5a);
  let inflight = 0;
  // Keep up to 64 sends in the kernel at once: as fast as node:dgram goes without unbounded memory.
  for (let sent = 0; sent < bytes; sent += pkt.length) {
    while (inflight >= 64) await new Promise((r) => setImmediate(r));
    inflight++;
    sock.send(pkt, port, '127.0.0.1', () => { inflight--; });
  }
  while (inflight > 0) await new Promise((r) => setImmediate(r));
  send({ sent: true });
  sock.close();
};

process.on('message', (m: { exit?: boolean }) => { if (m.exit) { debugOut(); process.exit(0); } });
process.once('message', (m: Msg) => {
  if (m.role === 'raw-sink') rawSink(m.port);
  else if (m.role === 'raw-source') void rawSource(m.port, m.bytes);
  else void overlayRole(m);
});
