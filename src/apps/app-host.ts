// The node side of one app's SDK socket (HOME/run/apps/NAME/node.sock, bind-mounted into the
// sandbox as /run/skywire/node.sock). The app is untrusted: every request is checked against
// its manifest, bad input gets an error reply and is counted, nothing it sends can throw here.
//
// Wire: one unix connection per operation. The app's first line is a JSON request
// (src/apps/app-host-request.ts); the node's first line is {"ok":true,...} or
// {"ok":false,"error":{"code","message"}} (and the connection ends). After an ok reply:
//   hello, ready          the connection ends (hello returns address, ports, capabilities)
//   dial, accept,         the connection is a byte pipe to the overlay stream or TCP socket;
//   tcp-connect           half-close passes through, a reset on either side destroys the other
//   tcp-splice            the exit joined onto an accepted stream inside the node; the
//                         connection carries the app's last bytes for it (app-host-splice.ts)
//   listen                stays open: one line {"stream":id,"peer":addr} per incoming stream,
//                         fetched with {"op":"accept","id":id}; closing it releases the port
//   datagrams             stays open: frames node -> app (src/apps/sdk/dgram-frame.ts)
//   send                  stays open: frames app -> node, one status line back per frame
import type { Socket } from 'node:net';
import { listenAppSocket } from '../env/app-socket-listen.ts';
import type { RefusalCounts } from '../term/command-gate.ts';
import { readFirstLine } from './sdk/first-line.ts';
import { MAX_REQUEST_LINE, parseAppRequest, type AppRequest } from './app-host-request.ts';
import { newHostContext, replyError, replyLine, type AppHostOptions, type AppHostRefusal, type HostContext } from './app-host-context.ts';
import { acceptOp, dialOp, tcpConnectOp } from './app-host-pipes.ts';
import { listenOp } from './app-host-listen.ts';
import { tcpSpliceOp } from './app-host-splice.ts';
import { receiveOp, sendChannel } from './app-host-datagrams.ts';

export type { AppHostOptions, AppHostRefusal };

export interface AppHost {
  /** Overlay ports the app listens on now. */
  readonly listening: ReadonlySet<number>;
  readonly refused: RefusalCounts<AppHostRefusal>;
  /** Unlistens every port, destroys every pipe and pending stream, removes the socket. */
  close(): Promise<void>;
}

const serve = async (ctx: HostContext, sock: Socket, req: AppRequest): Promise<void> => {
  const { overlay, manifest } = ctx.opts;
  switch (req.op) {
    case 'hello':
      return void sock.end(replyLine({ ok: true, address: overlay.address, ports: manifest.ports, capabilities: manifest.capabilities }));
    case 'ready':
      ctx.opts.onReady();
      return void sock.end(replyLine({ ok: true }));
    case 'dial': return dialOp(ctx, sock, req.address, req.port);
    case 'accept': return acceptOp(ctx, sock, req.id);
    case 'tcp-connect': return tcpConnectOp(ctx, sock, req.host, req.port);
    case 'tcp-splice': return tcpSpliceOp(ctx, sock, req.id, req.host, req.port);
    case 'listen': return listenOp(ctx, sock, req.port);
    case 'datagrams': return receiveOp(ctx, sock, req.port);
    case 'send': return sendChannel(ctx, sock);
  }
};

export const openAppHost = async (opts: AppHostOptions): Promise<AppHost> => {
  const ctx = newHostContext(opts);
  const conns = new Set<Socket>();
  const refuse = (sock: Socket, reason: AppHostRefusal, code: string, message: string): void => {
    ctx.refused.add(reason);
    replyError(sock, code, message);
  };
  const onConnection = async (sock: Socket): Promise<void> => {
    conns.add(sock);
    sock.once('close', () => conns.delete(sock));
    const first = await readFirstLine(sock, MAX_REQUEST_LINE);
    if (!first.ok) {
      if (first.reason === 'too-long') refuse(sock, 'malformed', 'BAD_REQUEST', `the request line is longer than ${MAX_REQUEST_LINE} bytes`);
      return;
    }
    const parsed = parseAppRequest(first.line);
    if (!parsed.ok) return refuse(sock, 'malformed', 'BAD_REQUEST', parsed.message);
    try {
      await serve(ctx, sock, parsed.req);
    } catch (e) {
      const err = e as { code?: string; message?: string };
      refuse(sock, err.code === 'APP_DENIED' ? 'denied' : 'failed', err.code ?? 'INTERNAL', err.message ?? String(e));
    }
  };
  const server = await listenAppSocket(opts.socketPath, (sock) => { onConnection(sock).catch(() => sock.destroy()); });
  return {
    listening: ctx.listening,
    refused: ctx.refused,
    close: async () => {
      for (const stop of [...ctx.closers]) stop();
      for (const p of ctx.pending.values()) p.stream.destroy();
      ctx.pending.clear();
      for (const d of ctx.pipes) d.destroy();
      for (const s of conns) s.destroy();
      await server.close();
    },
  };
};
