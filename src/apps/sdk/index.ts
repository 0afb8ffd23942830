// The Skywire app SDK (`import ... from 'skywire/app'`). It runs inside the app's sandbox and
// reaches the overlay only through its node's unix socket (SKYWIRE_SOCKET): the sandbox has no
// network of its own. Wire: src/apps/app-host.ts. Bundled to one file by src/apps/sdk-build.ts,
// so nothing here may import native modules.
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { SkywireError } from '../../errors.ts';
import { openOp } from './sdk-op.ts';
import { listenOp, type StreamHandler } from './sdk-listen.ts';
import { datagramSender, receiveOp, type DatagramHandler } from './sdk-datagrams.ts';

export type { StreamHandler, DatagramHandler };
export type { CallerInfo } from './sdk-listen.ts';

export interface AppSdk {
  /** This node's overlay address. */
  readonly address: string;
  readonly paths: { config: string; data: string };
  /** Rejects with err.code unreachable | refused | timeout | reset. */
  dial(address: string, port: number): Promise<Duplex>;
  /** The port must be in manifest.ports (else APP_DENIED). */
  listen(port: number, handler: StreamHandler): Promise<void>;
  /** One unreliable datagram; resolves once the node queued it. */
  send(address: string, port: number, bytes: Uint8Array): Promise<void>;
  onDatagram(port: number, handler: DatagramHandler): Promise<void>;
  /** Needs the manifest capability 'tcp-exit'; the node resolves the host and applies the exit
   *  policy. Rejects with err.code SOCKS_POLICY | refused | unreachable | timeout | APP_DENIED. */
  tcpConnect(host: string, port: number): Promise<Duplex>;
  /** tcpConnect joined onto `stream` (one this app accepted) inside the node, so the bytes no
   *  longer pass through the app: a proxy's fast path. Once connected the node hands the stream
   *  over: `head(local)` is written on it first (a protocol's success reply, given the exit's
   *  local address), `rest` (bytes already read from the stream that belong to the destination)
   *  goes ahead of the stream's own. Resolves when the join is made and the stream is no longer
   *  the app's; rejects like tcpConnect, the stream then still the app's to answer. */
  tcpSplice(stream: Duplex, host: string, port: number, o?: SpliceOptions): Promise<void>;
  /** Tells the node the app is healthy (when manifest.health.port is unset). */
  ready(): Promise<void>;
  /** Ends every connection to the node: listeners, datagram feeds and open streams. */
  close(): void;
}

export interface SpliceOptions {
  head?: (local: { address: string | null; port: number | null }) => Uint8Array;
  rest?: Uint8Array;
}

const checkPort = (port: number): void => {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SkywireError('BAD_REQUEST', `port must be an integer 1..65535, got ${String(port)}`);
};

export const connectApp = async (socketPath = process.env.SKYWIRE_SOCKET): Promise<AppSdk> => {
  if (!socketPath) throw new SkywireError('INTERNAL', 'SKYWIRE_SOCKET is not set: an app must be started by a Skywire node (or pass the socket path to connectApp)');
  const path = socketPath;
  const open = new Set<Socket>();
  const acceptedIds = new WeakMap<Duplex, number>();
  const track = (s: Socket, acceptedId?: number): void => {
    if (acceptedId !== undefined) acceptedIds.set(s, acceptedId);
    open.add(s);
    s.once('close', () => open.delete(s));
  };
  const hello = await openOp(path, { op: 'hello' });
  hello.sock.destroy();
  const send = datagramSender(path, track);
  const pipe = async (op: Parameters<typeof openOp>[1]): Promise<Duplex> => {
    const { sock } = await openOp(path, op);
    track(sock);
    return sock;
  };
  return {
    address: String(hello.reply.address),
    paths: { config: process.env.SKYWIRE_APP_CONFIG ?? '', data: process.env.SKYWIRE_APP_DATA ?? '' },
    dial: async (address, port) => {
      checkPort(port);
      return pipe({ op: 'dial', address, port });
    },
    listen: async (port, handler) => {
      checkPort(port);
      await listenOp(path, port, handler, track);
    },
    send: async (address, port, bytes) => {
      checkPort(port);
      if (address.length === 0 || address.length > 64) throw new SkywireError('BAD_ADDRESS', `"${address}" is not an overlay address`);
      await send(address, port, bytes);
    },
    onDatagram: async (port, handler) => {
      checkPort(port);
      await receiveOp(path, port, handler, track);
    },
    tcpConnect: async (host, port) => {
      checkPort(port);
      return pipe({ op: 'tcp-connect', host, port });
    },
    tcpSplice: async (stream, host, port, o = {}) => {
      checkPort(port);
      const id = acceptedIds.get(stream);
      if (id === undefined) throw new SkywireError('BAD_REQUEST', 'tcpSplice takes a stream this app accepted (from listen)');
      const { sock, reply } = await openOp(path, { op: 'tcp-splice', id, host, port });
      track(sock);
      acceptedIds.delete(stream);
      // The node ended its side of the stream: what is still in flight to us is the peer's, for
      // the destination, and goes on through the splice connection after `rest`.
      if (o.rest && o.rest.length > 0) sock.write(o.rest);
      stream.on('data', (b: Buffer) => { if (!sock.write(b)) stream.pause(); });
      sock.on('drain', () => stream.resume());
      stream.once('end', () => sock.end());
      stream.end(o.head?.({ address: (reply.localAddress as string | null) ?? null, port: (reply.localPort as number | null) ?? null }));
      stream.resume();
    },
    ready: async () => {
      (await openOp(path, { op: 'ready' })).sock.destroy();
    },
    close: () => {
      for (const s of open) s.destroy();
    },
  };
};
