// tcp-splice: the node's TCP exit joined straight onto a stream the app accepted, so a proxy app
// (the SOCKS exit) reads a request, has the node connect, and then steps out of the data path:
// its bytes no longer cross the sandbox's unix sockets twice (at 64 KB packets that path was a
// third of the exit's CPU, and the app process a fourth busy process on two cores).
//
// The hand-over keeps every byte in order with no framing on the pipes:
//   1. node: connects (exit policy, DNS: as tcp-connect); on failure an error reply, and the
//      stream stays the app's (it answers its client itself);
//   2. node: stops moving the overlay stream S into the app's accept connection A and ends A's
//      write side, replies ok with the local address on this connection C;
//   3. app: writes its last bytes for the peer on A (a SOCKS success reply) and ends A; writes
//      on C what it read from S for the destination (and whatever S still had in A) and ends C;
//   4. node: once A has ended, the destination T flows into S; once C has ended, S into T.
// Half-close passes through from then on; an abnormal end on either side resets the other.
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { fail } from '../errors.ts';
import { batchedPipe } from '../env/batched-pipe.ts';
import { replyOk, type HostContext } from './app-host-context.ts';
import { connectExit } from './app-host-pipes.ts';

export const tcpSpliceOp = async (ctx: HostContext, conn: Socket, id: number, host: string, port: number): Promise<void> => {
  const j = ctx.accepted.get(id) ?? fail('BAD_REQUEST', `no accepted stream ${id}: splice takes the id of a stream this app accepted and still holds`);
  const out = await connectExit(ctx, host, port);
  const { sock: a, stream: s, joined } = j;
  if (conn.destroyed) return void out.destroy(); // the app gave up while we connected
  if (a.destroyed || s.destroyed || !ctx.accepted.has(id)) {
    out.destroy();
    fail('BAD_REQUEST', `stream ${id} ended, or was spliced already, while the exit connected`);
  }
  ctx.accepted.delete(id);
  ctx.pipes.add(out);
  out.once('close', () => ctx.pipes.delete(out));
  // 2. Nothing more from the peer goes to the app; what S holds waits for T (pipe() paused S).
  joined.stop();
  const peerEnded = s.readableEnded;
  a.end();
  const local = out as Partial<{ localAddress: string; localPort: number }>;
  replyOk(conn, { localAddress: local.localAddress ?? null, localPort: local.localPort ?? null });
  // 3-4. The app's last bytes for the peer, then the destination's.
  a.pipe(s, { end: false });
  a.once('end', () => out.pipe(s));
  // The bytes the app read for the destination, then the peer's own.
  conn.pipe(out, { end: false });
  conn.once('end', () => (peerEnded ? out.end() : batchedPipe(s, out)));
  const reset = (): void => { s.destroy(); out.destroy(); a.destroy(); conn.destroy(); };
  for (const d of [s, out, a, conn] as Duplex[]) d.on('error', reset);
  for (const d of [s, out] as Duplex[]) {
    // Closed before both of its directions finished: the rest can never be delivered.
    d.once('close', () => { if (!d.readableEnded || !d.writableFinished) reset(); });
  }
  conn.once('close', (hadError) => { if (hadError) reset(); });
};
