// What every operation of the app socket works with, and how an operation answers: one JSON
// line, then (for pipes) raw bytes. Per-host state lives here, never at module level, so one
// node process can host many apps.
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import type { Overlay } from '../overlay/overlay.ts';
import { RefusalCounts } from '../term/command-gate.ts';
import { joinSocket, type Joined } from '../term/join-socket.ts';
import type { Manifest } from './manifest.ts';

/** Why an app's request or traffic was turned away or dropped, for status. */
export type AppHostRefusal = 'malformed' | 'denied' | 'failed' | 'bad-frame' | 'backlog-full' | 'datagram-dropped';

export interface AppHostOptions {
  overlay: Overlay;
  manifest: Manifest;
  socketPath: string;
  /** The node's TCP exit (DNS and exit policy at the node); without it tcp-connect is denied. */
  tcpConnect?: (host: string, port: number) => Promise<Duplex>;
  onReady(): void;
  onListen?(port: number): void;
}

export interface PendingStream { stream: Duplex; peer: string; port: number }

export interface HostContext {
  readonly opts: AppHostOptions;
  readonly refused: RefusalCounts<AppHostRefusal>;
  readonly listening: Set<number>;
  readonly datagramPorts: Set<number>;
  /** Incoming streams announced to the app and not yet accepted, by id. */
  readonly pending: Map<number, PendingStream>;
  nextStreamId(): number;
  /** Accepted streams still joined to their accept connection, by id (for tcp-splice). */
  readonly accepted: Map<number, { sock: Socket; stream: Duplex; joined: Joined }>;
  /** Overlay streams and exit sockets joined to an app connection. */
  readonly pipes: Set<Duplex>;
  /** Undo functions of long-lived operations (unlisten, unsubscribe), run by close(). */
  readonly closers: Set<() => void>;
}

export const newHostContext = (opts: AppHostOptions): HostContext => {
  let lastId = 0;
  return {
    opts, refused: new RefusalCounts<AppHostRefusal>(), listening: new Set(), datagramPorts: new Set(),
    pending: new Map(), accepted: new Map(), nextStreamId: () => ++lastId, pipes: new Set(), closers: new Set(),
  };
};

export const replyLine = (v: Record<string, unknown>): string => JSON.stringify(v) + '\n';

export const replyOk = (sock: Socket, fields: Record<string, unknown> = {}): void => {
  sock.write(replyLine({ ok: true, ...fields }));
};

export const replyError = (sock: Socket, code: string, message: string): void => {
  sock.end(replyLine({ ok: false, error: { code, message } }));
};

/** Joins the app's connection to a stream or socket after an ok reply: bytes both ways,
 *  half-close passes through, an abnormal end on either side resets the other. */
export const joinPipe = (ctx: HostContext, sock: Socket, other: Duplex, fields: Record<string, unknown>): Joined | undefined => {
  if (sock.destroyed) return void other.destroy(); // the app gave up while we connected
  replyOk(sock, fields);
  ctx.pipes.add(other);
  other.once('close', () => ctx.pipes.delete(other));
  return joinSocket(sock, other);
};
