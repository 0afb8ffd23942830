// The UDP carrier: one bound socket per node, endpoints as "host:port" strings.
// Sends never throw (a failed send is counted); receive errors never end the stream.
import DgramAsPromised from 'dgram-as-promised';
import { Subject } from 'rxjs';
import { isIP, isIPv6 } from 'node:net';
import { lookup as dnsLookup } from 'node:dns';
import { createSocket, type Socket } from 'node:dgram';
import type { Carrier, Datagram } from './carrier.ts';
import { parseHostPort } from './host-port.ts';
import { SkywireError } from '../errors.ts';
import { openUdpBatch, startBatchRecv, type BatchTarget, type UdpBatch } from './udp-batch.ts';

export interface UdpCarrier extends Carrier {
  readonly sendErrors: number;
  /** The batched send's counters (udp-batch.ts), or undefined when node:dgram sends each
   *  datagram. */
  readonly udpBatch: UdpBatch['stats'] | undefined;
}

export const openUdpCarrier = async (listen: string): Promise<UdpCarrier> => {
  const { host, port } = parseHostPort(listen, '--listen');
  const received$ = new Subject<Datagram>();
  const sock = DgramAsPromised.createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', lookup: literalFirst }, (msg, rinfo) => {
    const from = rinfo.family === 'IPv6' ? `[${rinfo.address}]:${rinfo.port}` : `${rinfo.address}:${rinfo.port}`;
    received$.next({ from, bytes: new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength) });
  });
  let bound;
  try {
    bound = await sock.bind(port, host);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const hint = e.code === 'EADDRINUSE' ? 'another process uses this port; pick another with --listen HOST:PORT'
      : e.code === 'EADDRNOTAVAIL' ? 'this machine has no such address; use 127.0.0.1 or 0.0.0.0'
      : e.code === 'EACCES' ? 'ports below 1024 need root; pick a port above 1024' : 'check --listen';
    throw new SkywireError('BAD_LISTEN', `cannot bind UDP ${listen}: ${e.code ?? e.message} (${hint})`);
  }
  // A burst from a fast peer overflows the default 208 KiB receive buffer before the event loop
  // drains it; the kernel caps this at net.core.rmem_max, so asking high is harmless.
  try {
    sock.socket.setRecvBufferSize(4 * 1024 * 1024);
    sock.socket.setSendBufferSize(1024 * 1024);
  } catch { /* some kernels refuse; the default still works, only slower */ }
  // The addon reads the socket from here on where it is built (udp-batch.ts); else the 'message'
  // callback above goes on.
  const stopBatchRecv = startBatchRecv(sock.socket, (from, bytes) => received$.next({ from, bytes }));
  // Errors (ICMP unreachable surfacing on later calls) must not kill the node.
  sock.socket.on('error', () => { carrier.sendErrors++; });
  const local = bound.family === 'IPv6' ? `[${bound.address}]:${bound.port}` : `${bound.address}:${bound.port}`;
  const mtus = new Map<string, number>();
  // The last send error per endpoint (a bounded table: endpoints come from config and from
  // whoever sends to us); an entry goes when a send there succeeds.
  const failing = new Map<string, string>();
  // Each endpoint is parsed once and keeps its own send callback (no parse and no closure per
  // packet on the datapath). Bounded: endpoints come from config and from whoever sends to us.
  type Dest = { host: string; port: number; sent: (err: Error | null) => void; batch: BatchTarget | null };
  // One event-loop turn's sends go out together where the native addon is built (udp-batch.ts).
  const batch = openUdpBatch(sock.socket, isIPv6(host) ? 6 : 4);
  const note = (to: string, code: string | null): void => {
    if (code !== null) {
      carrier.sendErrors++;
      if (failing.size >= 1024 && !failing.has(to)) failing.clear();
      failing.set(to, code);
    } else if (failing.size > 0) failing.delete(to);
  };
  const dests = new Map<string, Dest | null>();
  let other: Socket | undefined;
  const destOf = (to: string): Dest | null => {
    let d = dests.get(to);
    if (d === undefined) {
      if (dests.size >= 4096) dests.clear();
      const ep = parseEndpoint(to);
      if (ep) {
        const sent = (err: Error | null): void => note(to, err ? (err as NodeJS.ErrnoException).code ?? 'EIO' : null);
        // Host names keep node:dgram's send, which resolves them on every send.
        const b = batch && isIP(ep.host) !== 0
          ? batch.target(ep.host, ep.port, (bytes) => sock.socket.send(bytes, ep.port, ep.host, sent), (code) => note(to, code))
          : null;
        d = { ...ep, sent, batch: b };
      } else d = null;
      dests.set(to, d);
    }
    return d;
  };
  const carrier = {
    kind: 'udp',
    local,
    mtu: 1452,
    // Loopback has a 64 KiB MTU (as TCP's 65483-byte MSS there shows): datagrams to it need not
    // be cut to internet size, and are never fragmented. Everything else keeps 1452.
    // Asked on every send (node.sendTo): remembered per endpoint instead of a regex per packet.
    mtuTo: (to: string): number => {
      let m = mtus.get(to);
      if (m === undefined) {
        if (mtus.size >= 4096) mtus.clear();
        mtus.set(to, (m = isLoopbackEndpoint(to) ? LOOPBACK_MTU : 1452));
      }
      return m;
    },
    bitrate: undefined,
    received$,
    sendErrors: 0,
    udpBatch: batch?.stats,
    send(to: string, bytes: Uint8Array): void {
      const d = destOf(to);
      if (!d) { carrier.sendErrors++; return; }
      if (d.batch) batch!.queue(d.batch, bytes);
      else sock.socket.send(bytes, d.port, d.host, d.sent);
    },
    sendErrorFor: (to: string): string | undefined => failing.get(to),
    sendFromOtherPort(to: string, bytes: Uint8Array): void {
      const d = destOf(to);
      if (!d) { carrier.sendErrors++; return; }
      // One extra socket, on demand, on the same address family and host, any free port.
      other ??= (() => {
        const o = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', lookup: literalFirst });
        o.on('error', () => { carrier.sendErrors++; });
        o.bind(0, host === '0.0.0.0' || host === '::' ? undefined : host);
        o.unref();
        return o;
      })();
      other.send(bytes, d.port, d.host, (err) => { if (err) carrier.sendErrors++; });
    },
    async close(): Promise<void> {
      batch?.flush();
      stopBatchRecv?.();
      other?.close();
      received$.complete();
      await sock.close().catch(() => undefined);
    },
  };
  return carrier;
};

/** node:dgram looks every destination up before each send, an IP literal too (a dns.lookup and a
 *  process.nextTick per packet); a literal needs no lookup, so it is answered at once. Host names
 *  still go to the resolver, on every send, so a changed DNS record is followed. */
const literalFirst = (address: string, family: unknown, cb: (err: NodeJS.ErrnoException | null, address: string, family: number) => void): void => {
  const f = isIP(address);
  if (f !== 0) return cb(null, address, f);
  dnsLookup(address, family as number, cb);
};

/** Largest UDP payload over IPv4 loopback (65535 - 20 - 8), rounded down to leave room. */
const LOOPBACK_MTU = 65_000;
const isLoopbackEndpoint = (to: string): boolean => /^(127\.\d+\.\d+\.\d+|\[::1\]):\d+$/.test(to);

const parseEndpoint = (to: string): { host: string; port: number } | null => {
  try {
    return parseHostPort(to, 'endpoint');
  } catch {
    return null;
  }
};
