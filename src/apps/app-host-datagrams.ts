// Datagrams for an app. Receive: {"op":"datagrams","port":P} for one of its manifest ports,
// then frames (src/apps/sdk/dgram-frame.ts) from node to app. Send: {"op":"send"}, then frames
// from app to node and one status line back per frame, in order. Unreliable both ways: a slow
// app loses datagrams (counted) instead of growing the node's memory.
import type { Socket } from 'node:net';
import { filter } from 'rxjs';
import { fail } from '../errors.ts';
import { parseAddress } from '../identity/address.ts';
import { DgramReader, encodeDgram, type DgramFrame } from './sdk/dgram-frame.ts';
import { replyLine, replyOk, type HostContext } from './app-host-context.ts';
import { portAccess } from './manifest.ts';

const MAX_QUEUED_BYTES = 256 * 1024;

export const receiveOp = (ctx: HostContext, sock: Socket, port: number): void => {
  const { overlay, manifest } = ctx.opts;
  if (!manifest.ports.includes(port)) fail('APP_DENIED', `app "${manifest.name}" may not receive datagrams on port ${port}: its src/manifest.json declares ports [${manifest.ports.join(', ')}]; add the port there`);
  if (ctx.datagramPorts.has(port)) fail('BAD_REQUEST', `app "${manifest.name}" already receives datagrams on port ${port}`);
  ctx.datagramPorts.add(port);
  const access = portAccess(manifest, port);
  const sub = overlay.datagrams$.pipe(filter((d) => d.dstPort === port)).subscribe((d) => {
    if (!overlay.membership.allows(access, d.peer)) return ctx.refused.add('denied');
    if (sock.writableLength > MAX_QUEUED_BYTES) return ctx.refused.add('datagram-dropped');
    sock.write(encodeDgram({ address: d.peer, port: d.srcPort, bytes: d.bytes }));
  });
  const stop = (): void => {
    sub.unsubscribe();
    ctx.datagramPorts.delete(port);
    ctx.closers.delete(stop);
  };
  ctx.closers.add(stop);
  sock.once('close', stop);
  sock.on('data', () => undefined).resume();
  replyOk(sock, { port });
};

const sendOne = (ctx: HostContext, f: DgramFrame): Record<string, unknown> => {
  try {
    parseAddress(f.address, 'datagram destination');
    if (f.port === 0) fail('BAD_REQUEST', 'datagram port must be 1..65535');
    if (!ctx.opts.overlay.send(f.address, f.port, f.bytes)) fail('BAD_REQUEST', `a datagram of ${f.bytes.length} bytes does not fit the path to ${f.address}; keep datagrams under about 1 kB`);
    return { ok: true };
  } catch (e) {
    ctx.refused.add('failed');
    const err = e as { code?: string; message?: string };
    return { ok: false, error: { code: err.code ?? 'INTERNAL', message: err.message ?? String(e) } };
  }
};

export const sendChannel = (ctx: HostContext, sock: Socket): void => {
  const reader = new DgramReader();
  let dead = false;
  replyOk(sock);
  sock.on('data', (chunk: Buffer) => {
    if (dead) return;
    const frames = reader.push(chunk);
    if (frames === null) {
      dead = true;
      ctx.refused.add('bad-frame');
      return void sock.end(replyLine({ ok: false, error: { code: 'BAD_REQUEST', message: 'malformed datagram frame (see src/apps/sdk/dgram-frame.ts); the send channel is closed' } }));
    }
    let full = false;
    for (const f of frames) full = !sock.write(replyLine(sendOne(ctx, f))) || full;
    // Backpressure: an app that does not read its status lines stops being read.
    if (full) {
      sock.pause();
      sock.once('drain', () => sock.resume());
    }
  });
  sock.resume();
};
