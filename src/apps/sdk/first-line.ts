// Both ends of the app socket start every connection with one JSON line; what follows may be
// raw stream bytes that arrived in the same chunk, so they are handed back to the socket
// (unshift) for whoever takes it over. The line is read in paused mode ('readable' + read()),
// not with pause(): once the 'readable' listener is gone the socket is neither flowing nor
// explicitly paused, so a later on('data') or pipe() starts it as on a fresh socket.
import type { Socket } from 'node:net';

export type FirstLine = { ok: true; line: string } | { ok: false; reason: 'closed' | 'too-long' };

export const readFirstLine = (sock: Socket, maxBytes: number): Promise<FirstLine> =>
  new Promise((resolve) => {
    let buf: Buffer = Buffer.alloc(0);
    const finish = (r: FirstLine): void => {
      sock.off('readable', onReadable);
      sock.off('end', onClosed);
      sock.off('close', onClosed);
      resolve(r);
    };
    const onReadable = (): void => {
      for (let chunk = sock.read() as Buffer | null; chunk !== null; chunk = sock.read() as Buffer | null) {
        buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
        const nl = buf.indexOf(10);
        if (nl > maxBytes || (nl < 0 && buf.length > maxBytes)) return finish({ ok: false, reason: 'too-long' });
        if (nl < 0) continue;
        finish({ ok: true, line: buf.subarray(0, nl).toString('utf8') });
        if (nl + 1 < buf.length) sock.unshift(buf.subarray(nl + 1));
        return;
      }
    };
    const onClosed = (): void => finish({ ok: false, reason: 'closed' });
    sock.on('readable', onReadable);
    sock.once('end', onClosed);
    sock.once('close', onClosed);
  });
