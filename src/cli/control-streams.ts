// Control requests that join a local socket to an overlay stream: `connect` dials out, `accept`
// waits for one incoming stream on a port (like nc -l). Bytes flow both ways with backpressure
// (pipe), and half-close passes through: our stdin's end becomes the stream's FIN.
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { batchedPipe } from '../env/batched-pipe.ts';
import { Takeover } from '../env/control-server.ts';
import { SkywireError } from '../errors.ts';
import type { Overlay } from '../overlay/overlay.ts';
import { parseAddress } from '../identity/address.ts';
import { dialConnected } from '../overlay/dial-connected.ts';

const join = (sock: Socket, stream: Duplex): void => {
  sock.pipe(stream);
  batchedPipe(stream, sock);
  stream.on('error', (e: Error & { code?: string }) => {
    sock.destroy();
    void e;
  });
  sock.on('error', () => stream.destroy());
  // Only an abnormal close resets the stream; a clean end already became its FIN via pipe().
  sock.on('close', (hadError) => { if (hadError) stream.destroy(); });
};

const portOf = (v: unknown): number => {
  const p = Number(v);
  if (!Number.isInteger(p) || p < 1 || p > 65535) throw new SkywireError('BAD_REQUEST', `port must be 1..65535, got ${String(v)}`);
  return p;
};

export const connectRequest = (o: Overlay, req: Record<string, unknown>): Promise<Takeover> => {
  const address = String(req.address);
  parseAddress(address, 'destination address');
  const port = portOf(req.port);
  return dialConnected(o, address, port).then((stream) => new Takeover({ address, port }, (sock) => join(sock, stream)));
};

export const acceptRequest = (o: Overlay, req: Record<string, unknown>): Promise<Takeover> => {
  const port = portOf(req.port);
  return new Promise((resolve) => {
    o.listen(port, 'fleet', (stream, from) => {
      o.unlisten(port);
      resolve(new Takeover({ peer: from.peer, port }, (sock) => join(sock, stream)));
    });
  });
};
