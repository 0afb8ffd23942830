// Joins a local socket (control connection or TCP client) to an overlay stream both ways with
// backpressure. Half-close passes through: each side's end becomes the other side's FIN; only
// an abnormal close on one side resets the other.
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { batchedPipe } from '../env/batched-pipe.ts';

export interface Joined {
  /** Stops both directions (for a hand-over, src/apps/app-host-splice.ts): bytes already read go
   *  on, the rest wait paused in their source. The error and close wiring stays. */
  stop(): void;
}

export const joinSocket = (sock: Socket, stream: Duplex): Joined => {
  sock.pipe(stream);
  const down = batchedPipe(stream, sock);
  stream.on('error', () => sock.destroy());
  sock.on('error', () => stream.destroy());
  sock.on('close', (hadError) => { if (hadError) stream.destroy(); });
  stream.on('close', () => { if (!stream.readableEnded) sock.destroy(); });
  return {
    stop: () => {
      sock.unpipe(stream);
      down.stop();
    },
  };
};
