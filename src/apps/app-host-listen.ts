// listen: the app claims one of its manifest ports on the overlay. Each incoming stream waits
// in `pending` and is announced on the listen connection as {"stream":id,"peer":...}; the app
// takes it with an accept connection. The listen connection's end releases the port.
import type { Socket } from 'node:net';
import { fail } from '../errors.ts';
import { replyLine, replyOk, type HostContext } from './app-host-context.ts';
import { portAccess } from './manifest.ts';

/** Streams announced but not yet accepted; beyond this the app is not keeping up. */
const MAX_PENDING = 64;

export const listenOp = (ctx: HostContext, sock: Socket, port: number): void => {
  const { overlay, manifest } = ctx.opts;
  if (!manifest.ports.includes(port)) fail('APP_DENIED', `app "${manifest.name}" may not listen on port ${port}: its src/manifest.json declares ports [${manifest.ports.join(', ')}]; add the port there`);
  if (ctx.listening.has(port)) fail('BAD_REQUEST', `app "${manifest.name}" already listens on port ${port}; close the first listener before listening again`);
  overlay.listen(port, portAccess(manifest, port), (stream, from) => {
    stream.on('error', () => undefined); // a reset before accept only drops it from pending
    if (ctx.pending.size >= MAX_PENDING) {
      ctx.refused.add('backlog-full');
      return void stream.destroy();
    }
    const id = ctx.nextStreamId();
    ctx.pending.set(id, { stream, peer: from.peer, port });
    stream.once('close', () => ctx.pending.delete(id));
    // The caller as the node proved it: the app may refine access by member, role or name.
    sock.write(replyLine({ stream: id, peer: from.peer, member: from.caller.member, role: from.caller.role, name: from.caller.name }));
  });
  ctx.listening.add(port);
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    ctx.closers.delete(stop);
    overlay.unlisten(port);
    ctx.listening.delete(port);
    for (const [id, p] of ctx.pending) {
      if (p.port !== port) continue;
      ctx.pending.delete(id);
      p.stream.destroy();
    }
  };
  ctx.closers.add(stop);
  sock.once('close', stop);
  sock.on('data', () => undefined).resume(); // nothing is expected from the app on this connection
  replyOk(sock, { port });
  ctx.opts.onListen?.(port);
};
