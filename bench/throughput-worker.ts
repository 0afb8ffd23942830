// One process of bench/throughput: a real node (runNode, UDP on loopback) acting as source,
// sink or relay, or one end of the raw node:dgram baseline. Driven over the fork IPC channel.
import { createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { runNode } from '../src/cli/run-node.ts';

type Msg = { role: 'source' | 'sink' | 'relay'; home: string; dest?: string; bytes?: number }
  | { role: 'raw-sink'; port: number } | { role: 'raw-source'; port: number; bytes: number; size: number };

const send = (m: unknown): void => void process.send!(m);
const now = (): number => performance.timeOrigin + performance.now();
const quiet = { info: () => {}, warn: (m: string) => process.stderr.write(`${m}\n`) };
let debugOut = (): unknown => undefined;
const CHUNK = 64 * 1024;

const overlayRole = async (m: Extract<Msg, { home: string }>): Promise<void> => {
  const { overlay } = await runNode({ home: m.home, peer: [] }, quiet);
  if (m.role === 'sink') {
    overlay.listen(9, 'anyone', (s) => {
      let got = 0;
      s.on('data', (c: Buffer) => { got += c.length; });
      let cpu0: NodeJS.CpuUsage | undefined; let t0 = 0;
      s.on('data', () => { if (!cpu0) { cpu0 = process.cpuUsage(); t0 = now(); } });
      s.on('end', () => {
        if (process.env.BENCH_DEBUG && cpu0) { const c = process.cpuUsage(cpu0); process.stderr.write(`sink cpu ${Math.round((c.user + c.system) / 1000)} ms (sys ${Math.round(c.system / 1000)}) over ${Math.round(now() - t0)} ms\n`); }
        send({ done: now(), bytes: got }); s.end();
      });
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
  const cpu0 = process.cpuUsage(); const t0 = now();
  s.once('finish', () => { if (process.env.BENCH_DEBUG) { const c = process.cpuUsage(cpu0); process.stderr.write(`source cpu ${Math.round((c.user + c.system) / 1000)} ms (sys ${Math.round(c.system / 1000)}) over ${Math.round(now() - t0)} ms\n`); } });
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
  // The same socket buffers the UDP carrier asks for, so the baseline is not starved by them.
  const sock = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  let got = 0; let first = 0; let last = 0;
  // CPU is read at report time: the sink idles after the burst, which costs none.
  let cpu0: NodeJS.CpuUsage | undefined; let packets = 0;
  sock.on('message', (b) => {
    if (got === 0) { first = now(); cpu0 = process.cpuUsage(); }
    got += b.length; last = now(); packets++;
  });
  sock.bind(port, '127.0.0.1', () => send({ ready: true }));
  process.on('message', (x: { report?: boolean }) => {
    if (!x.report) return;
    const c = process.cpuUsage(cpu0);
    send({ bytes: got, first, last, cpuUsPerPacket: (c.user + c.system) / Math.max(1, packets) });
  });
};

const rawSource = async (port: number, bytes: number, size: number): Promise<void> => {
  const sock = createSocket('udp4');
  const pkt = Buffer.alloc(size, 0x5a);
  let inflight = 0; let packets = 0;
  const cpu0 = process.cpuUsage();
  // Keep up to 64 sends in the kernel at once: as fast as node:dgram goes without unbounded memory.
  for (let sent = 0; sent < bytes; sent += pkt.length) {
    while (inflight >= 64) await new Promise((r) => setImmediate(r));
    inflight++; packets++;
    sock.send(pkt, port, '127.0.0.1', () => { inflight--; });
  }
  while (inflight > 0) await new Promise((r) => setImmediate(r));
  const c = process.cpuUsage(cpu0);
  send({ sent: true, cpuUsPerPacket: (c.user + c.system) / packets });
  sock.close();
};

process.on('message', (m: { exit?: boolean }) => { if (m.exit) { debugOut(); process.exit(0); } });
process.once('message', (m: Msg) => {
  if (m.role === 'raw-sink') rawSink(m.port);
  else if (m.role === 'raw-source') void rawSource(m.port, m.bytes, m.size);
  else void overlayRole(m);
});
