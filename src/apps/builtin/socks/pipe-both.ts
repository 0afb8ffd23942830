// Joins the client's stream to the destination's both ways with backpressure. Half-close passes
// through (each side's end becomes the other's FIN, as HTTP/1.0 uploads and `nc -N` rely on);
// only an abnormal close of one side resets the other.
import type { Duplex } from 'node:stream';

export const pipeBoth = (a: Duplex, b: Duplex): void => {
  a.pipe(b);
  b.pipe(a);
  for (const [from, to] of [[a, b], [b, a]] as const) {
    from.on('error', () => to.destroy());
    // Closed before both of its directions finished: the rest can never be delivered.
    from.on('close', () => { if (!from.readableEnded || !from.writableFinished) to.destroy(); });
  }
};
