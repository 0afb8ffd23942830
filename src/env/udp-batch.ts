// Batched UDP (native/udp-batch). Send: the UDP carrier queues what it sends during one
// event-loop turn and hands each destination's packets to the kernel with one sendmmsg,
// equal-sized runs packed with UDP GSO, so a relay forwarding a burst of 1,452-byte packets walks
// the IP stack once per burst instead of once per packet. Receive: up to 32 datagrams per
// recvmmsg and one call into JavaScript for all of them, instead of node:dgram's Buffer, address
// object and callback per datagram.
// Where the addon was not built (no compiler at install, not Linux) or SKYWIRE_UDP_BATCH=0, the
// carrier uses node:dgram for both as before: the same bytes, only more syscalls and callbacks.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants } from 'node:os';
import type { Socket } from 'node:dgram';

interface Native {
  address(family: 4 | 6, ip: string, port: number): Buffer | null;
  send(fd: number, addr: Buffer, packets: Uint8Array[], gso: boolean): number;
  errno(): number;
  recvStart(fd: number, cb: (packets: Buffer[], from: string[]) => void): object | null;
  recvStop(handle: object): void;
}

const ADDON = join('native', 'udp-batch', 'build', 'Release', 'udp_batch.node');

/** The addon from the checkout this module runs from: src/env/ in the sources, dist/ in the
 *  bundle; null when it is missing or does not load. */
const loadNative = (): Native | null => {
  if (process.platform !== 'linux') return null;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 4; up++, dir = dirname(dir)) {
    const file = join(dir, ADDON);
    if (!existsSync(file)) continue;
    try {
      const mod = createRequire(import.meta.url)(file) as Partial<Record<keyof Native, unknown>>;
      // A build from other sources (a software update on a machine that built an older addon)
      // may lack what this version calls: then node:dgram it is.
      return (['address', 'send', 'errno', 'recvStart', 'recvStop'] as const).every((k) => typeof mod[k] === 'function') ? mod as Native : null;
    } catch {
      return null;
    }
  }
  return null;
};

// Loaded once with the module: a shared library is process-wide anyway, and it holds no state
// of its own between calls (each receiver keeps its own).
const native: Native | null = loadNative();
/** Why batching is off, or undefined when it is on; for `skywire status` and the tests. */
export const udpBatchUnavailable = (): string | undefined => {
  if (process.env.SKYWIRE_UDP_BATCH === '0') return 'SKYWIRE_UDP_BATCH=0';
  return native ? undefined : `${ADDON} was not built (npm install builds it where a C compiler is present)`;
};

const errnoName = (n: number): string =>
  Object.entries(constants.errno).find(([, v]) => v === n)?.[0] ?? `errno ${n}`;

/** One destination's queue. `addr` is its sockaddr, made once. */
export interface BatchTarget {
  readonly addr: Buffer;
  /** Cleared for good the first time the path refuses a segmented send (EIO: no checksum
   *  offload on the device; EINVAL or EMSGSIZE: a segment wider than the path MTU, which an
   *  unsegmented datagram passes by IP fragmentation). */
  gso: boolean;
  queue: Uint8Array[];
  /** What to do with packets the kernel would not take now (full socket buffer): node:dgram's
   *  queued send, which waits for the socket to drain. */
  readonly fallback: (bytes: Uint8Array) => void;
  /** The outcome per flush, for the carrier's error table. */
  readonly result: (err: string | null) => void;
}

/** A queue past this many packets is sent at once rather than at the end of the turn. */
const MAX_QUEUED = 512;

export interface UdpBatch {
  target(ip: string, port: number, fallback: BatchTarget['fallback'], result: BatchTarget['result']): BatchTarget | null;
  queue(t: BatchTarget, bytes: Uint8Array): void;
  /** Sends everything queued now (the carrier's close). */
  flush(): void;
  /** Packets sent, sendmmsg calls made, destinations whose GSO was turned off, packets left to
   *  node:dgram's queue by a full socket buffer: for status and the tests. */
  readonly stats: { packets: number; syscalls: number; gsoOff: number; deferred: number };
}

/** A batch sender on `sock` (bound), or null when batching is unavailable. */
export const openUdpBatch = (sock: Socket, family: 4 | 6): UdpBatch | null => {
  if (udpBatchUnavailable() !== undefined) return null;
  const n = native!;
  const fd = socketFd(sock);
  if (fd === undefined) return null;
  const pending: BatchTarget[] = [];
  let scheduled = false;
  const stats = { packets: 0, syscalls: 0, gsoOff: 0, deferred: 0 };
  const sendOne = (t: BatchTarget): void => {
    const q = t.queue;
    t.queue = [];
    let at = 0;
    let err: string | null = null;
    while (at < q.length) {
      const rest = at === 0 ? q : q.slice(at);
      const sent = n.send(fd, t.addr, rest, t.gso);
      stats.syscalls++;
      stats.packets += sent;
      at += sent;
      if (at >= q.length) break;
      const e = n.errno();
      if (t.gso && (e === constants.errno.EIO || e === constants.errno.EINVAL || e === constants.errno.EMSGSIZE)) {
        t.gso = false;
        stats.gsoOff++;
        continue;
      }
      if (e === constants.errno.EAGAIN || e === constants.errno.ENOBUFS) {
        // The rest waits in libuv's queue for the socket to drain, after what went (a later
        // turn's packets may overtake them, as UDP allows; the streams reorder).
        stats.deferred += q.length - at;
        for (let i = at; i < q.length; i++) t.fallback(q[i]!);
        break;
      }
      // Unreachable network, refused, and the like: this packet is lost as a failed send; the rest
      // are tried, as one dgram send each would have been.
      err = errnoName(e);
      at++;
    }
    t.result(err);
  };
  const flush = (): void => {
    scheduled = false;
    for (let i = 0; i < pending.length; i++) if (pending[i]!.queue.length > 0) sendOne(pending[i]!);
    pending.length = 0;
  };
  return {
    stats,
    target(ip, port, fallback, result) {
      const addr = n.address(family, ip, port);
      return addr && { addr, gso: true, queue: [], fallback, result };
    },
    queue(t, bytes) {
      if (t.queue.length === 0) pending.push(t);
      t.queue.push(bytes);
      if (t.queue.length >= MAX_QUEUED) sendOne(t);
      if (!scheduled) {
        scheduled = true;
        // After the poll phase: every datagram libuv read in this wakeup has been handled.
        setImmediate(flush);
      }
    },
    flush,
  };
};

/** Reads `sock` through the addon from now on: node:dgram's own reading stops (its handle stays
 *  for sends that must wait for a full socket buffer), and `deliver` gets each datagram with its
 *  sender as "ip:port" or "[ip6]:port". Returns the stop function, or null to keep node:dgram's
 *  'message' events (addon unavailable). */
export const startBatchRecv = (sock: Socket, deliver: (from: string, bytes: Uint8Array) => void): (() => void) | null => {
  if (udpBatchUnavailable() !== undefined) return null;
  const n = native!;
  const handle = socketHandle(sock);
  if (handle?.fd === undefined || typeof handle.recvStop !== 'function') return null;
  const r = n.recvStart(handle.fd, (packets, from) => {
    for (let i = 0; i < packets.length; i++) {
      const b = packets[i]!;
      deliver(from[i]!, new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    }
  });
  if (!r) return null;
  handle.recvStop();
  let stopped = false;
  return () => {
    if (!stopped) n.recvStop(r);
    stopped = true;
  };
};

type DgramHandle = { fd?: number; recvStop?: () => number };
const socketHandle = (sock: Socket): DgramHandle | undefined => {
  const key = Object.getOwnPropertySymbols(sock).find((s) => s.description === 'state symbol');
  return key && (sock as unknown as Record<symbol, { handle?: DgramHandle }>)[key]?.handle;
};

/** The file descriptor under a bound dgram socket. `socket._handle` is deprecated (it warns), so
 *  this reads the same handle from node:dgram's internal state; on a Node where that moved, the
 *  carrier simply sends without batching. */
const socketFd = (sock: Socket): number | undefined => {
  const fd = socketHandle(sock)?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
};
