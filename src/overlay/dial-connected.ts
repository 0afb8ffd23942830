// overlay.dial as a promise: resolves with the stream once the peer accepted it, rejects with
// the stream's error (err.code unreachable | refused | timeout | reset).
import type { Duplex } from 'node:stream';
import type { Overlay } from './overlay.ts';

export const dialConnected = (o: Overlay, address: string, port: number): Promise<Duplex> =>
  new Promise((resolve, reject) => {
    const stream = o.dial(address, port);
    const onError = (e: Error): void => reject(e);
    stream.once('error', onError);
    stream.once('connect', () => {
      stream.off('error', onError);
      resolve(stream);
    });
  });
