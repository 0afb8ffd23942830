// Operations that turn the app's connection into a byte pipe: dial (an overlay stream out),
// accept (an incoming stream announced on a listen connection) and tcp-connect (the node's
// TCP exit, only for apps with the 'tcp-exit' capability).
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { fail } from '../errors.ts';
import { parseAddress } from '../identity/address.ts';
import { joinPipe, type HostContext } from './app-host-context.ts';

export const dialOp = (ctx: HostContext, sock: Socket, address: string, port: number): Promise<void> =>
  new Promise((resolve, reject) => {
    parseAddress(address, 'destination address');
    const stream = ctx.opts.overlay.dial(address, port);
    const gone = (): void => void stream.destroy();
    sock.once('close', gone);
    stream.once('error', (e) => {
      sock.off('close', gone);
      reject(e);
    });
    stream.once('connect', () => {
      sock.off('close', gone);
      joinPipe(ctx, sock, stream, { address, port });
      resolve();
    });
  });

export const acceptOp = (ctx: HostContext, sock: Socket, id: number): void => {
  const p = ctx.pending.get(id) ?? fail('BAD_REQUEST', `no incoming stream ${id} is waiting: it was reset, already accepted, or its listen connection closed`);
  ctx.pending.delete(id);
  const joined = joinPipe(ctx, sock, p.stream, { peer: p.peer, port: p.port });
  if (!joined) return;
  // Kept by id while joined, for tcp-splice (src/apps/app-host-splice.ts).
  ctx.accepted.set(id, { sock, stream: p.stream, joined });
  const forget = (): void => void ctx.accepted.delete(id);
  sock.once('close', forget);
  p.stream.once('close', forget);
};

/** Exit connectors may throw plain socket errors; the SDK promises these codes. */
const EXIT_CODES: Readonly<Record<string, string>> = Object.freeze({
  ECONNREFUSED: 'refused', ETIMEDOUT: 'timeout', ENOTFOUND: 'unreachable', EAI_AGAIN: 'unreachable',
  EHOSTUNREACH: 'unreachable', ENETUNREACH: 'unreachable',
});

/** The node's TCP exit for this app, with the SDK's error codes; the app must have 'tcp-exit'. */
export const connectExit = async (ctx: HostContext, host: string, port: number): Promise<Duplex> => {
  const { manifest, tcpConnect } = ctx.opts;
  if (!manifest.capabilities.includes('tcp-exit')) fail('APP_DENIED', `app "${manifest.name}" may not open TCP connections: add "tcp-exit" to capabilities in its src/manifest.json`);
  if (!tcpConnect) return fail('APP_DENIED', 'this node offers apps no TCP exit (no exit connector is configured)');
  try {
    return await tcpConnect(host, port);
  } catch (e) {
    const err = e as { code?: string; message?: string };
    const code = (err.code && EXIT_CODES[err.code]) ?? err.code ?? 'INTERNAL';
    throw Object.assign(new Error(err.message ?? `cannot connect to ${host}:${port}`), { code });
  }
};

export const tcpConnectOp = async (ctx: HostContext, sock: Socket, host: string, port: number): Promise<void> => {
  joinPipe(ctx, sock, await connectExit(ctx, host, port), { host, port });
};
