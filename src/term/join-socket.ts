// Joins a local socket (control connection or TCP client) to an overlay stream both ways with
// backpressure. Half-close passes through: each side's end becomes the other side's FIN; only
// an abnormal close on one side resets the other.
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

export const joinSocket = (sock: Socket, stream: Duplex): void => {
  sock.pipe(stream);
  stream.pipe(sock);
  stream.on('error', () => sock.destroy());
  sock.on('error', () => stream.destroy());
  sock.on('close', (hadError) => { if (hadError) stream.destroy(); });
  stream.on('close', () => { if (!stream.readableEnded) sock.destroy(); });
  stream.resume();
};
