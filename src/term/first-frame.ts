// Reads exactly one frame off a stream and leaves everything after it in the stream (unshifted),
// so the caller can go on with framed or raw bytes. Never rejects: a peer that is silent, sends
// garbage or goes away yields a reason, because these are untrusted bytes.
import type { Duplex } from 'node:stream';
import type { Clock } from '../env/clock.ts';
import { HEADER_BYTES, MAX_PAYLOAD, type Frame } from './frame.ts';

export type FirstFrame = { ok: true; frame: Frame } | { ok: false; reason: 'bad-frame' | 'timeout' | 'closed' };

export const readFirstFrame = (stream: Duplex, clock: Clock, timeoutMs: number, maxPayload = MAX_PAYLOAD): Promise<FirstFrame> =>
  new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    const done = (r: FirstFrame): void => {
      clock.clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onClose);
      stream.off('close', onClose);
      stream.off('error', onClose);
      stream.pause();
      resolve(r);
    };
    const onData = (c: Buffer): void => {
      buf = Buffer.concat([buf, c]);
      if (buf.length < HEADER_BYTES) return;
      const len = buf.readUInt32BE(1);
      if (len > maxPayload) return done({ ok: false, reason: 'bad-frame' });
      if (buf.length < HEADER_BYTES + len) return;
      const frame = { type: buf[0]!, payload: buf.subarray(HEADER_BYTES, HEADER_BYTES + len) };
      const rest = buf.subarray(HEADER_BYTES + len);
      done({ ok: true, frame });
      if (rest.length > 0) stream.unshift(rest);
    };
    const onClose = (): void => done({ ok: false, reason: 'closed' });
    const timer = clock.setTimeout(() => done({ ok: false, reason: 'timeout' }), timeoutMs);
    stream.on('data', onData);
    stream.once('end', onClose);
    stream.once('close', onClose);
    stream.once('error', onClose);
  });
