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
  /** Tells the node the app is healthy (when manifest.health.port is unset). */
  ready(): Promise<void>;
  /** Ends every connection to the node: listeners, datagram feeds and open streams. */
  close(): void;
}

const checkPort = (port: number): void => {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SkywireError('BAD_REQUEST', `port must be an integer 1..65535, got ${String(port)}`);
};

export const connectApp = async (socketPath = process.env.SKYWIRE_SOCKET): Promise<AppSdk> => {
  if (!socketPath) throw new SkywireError('INTERNAL', 'SKYWIRE_SOCKET is not set: an app must be started by a Skywire node (or pass the socket path to connectApp)');
  const path = socketPath;
  const open = new Set<Socket>();
  const track = (s: Socket): void => {
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
    ready: async () => {
      (await openOp(path, { op: 'ready' })).sock.destroy();
    },
    close: () => {
      for (const s of open) s.destroy();
    },
  };
};
