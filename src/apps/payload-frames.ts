// Moving a bundle or an archive over a command stream: after the signed command the receiver
// answers {ready:true}; the sender then writes the bytes as frames of at most CHUNK bytes and an
// empty frame to end; the receiver answers with the command's one JSON reply frame. Waiting for
// "ready" means no payload byte can arrive before the command was verified, so nothing is
// buffered for a command that will be refused.
import type { Duplex } from 'node:stream';
import { createHash } from 'node:crypto';
import { frame, readFrames } from '../command/frames.ts';
import { SkywireError } from '../errors.ts';

export const CHUNK = 256 * 1024;

/** Writes `bytes` as frames with backpressure, reporting bytes handed to the stream. */
export const sendPayload = async (stream: Duplex, bytes: Uint8Array, onProgress?: (sent: number) => void): Promise<void> => {
  for (let off = 0; off < bytes.length; off += CHUNK) {
    const end = Math.min(bytes.length, off + CHUNK);
    if (!stream.write(frame(bytes.subarray(off, end)))) {
      await new Promise<void>((resolve, reject) => {
        const onClose = (): void => reject(new SkywireError('reset', 'the stream closed during the transfer'));
        stream.once('drain', () => { stream.off('close', onClose); resolve(); });
        stream.once('close', onClose);
      });
    }
    onProgress?.(end);
  }
  stream.write(frame(new Uint8Array(0)));
};

/** Reads frames until the empty one; refuses more than `max` bytes. Resolves with the bytes and
 *  their SHA-256, and hands any frame after the end to `rest`. */
export const receivePayload = (stream: Duplex, max: number, rest?: (f: Uint8Array) => void): Promise<{ bytes: Buffer; sha256: string }> =>
  new Promise((resolve, reject) => {
    const parts: Uint8Array[] = [];
    const hash = createHash('sha256');
    let total = 0;
    let done = false;
    const stop = readFrames(stream, (f) => {
      if (done) return void rest?.(f);
      if (f.length === 0) {
        done = true;
        cleanup();
        return resolve({ bytes: Buffer.concat(parts), sha256: hash.digest('hex') });
      }
      total += f.length;
      if (total > max) {
        done = true;
        stop();
        cleanup();
        return reject(new SkywireError('BUNDLE_INVALID', `the payload is larger than the ${max} bytes announced`));
      }
      hash.update(f);
      parts.push(f);
    }, CHUNK + 16);
    const onEnd = (): void => { if (!done) { done = true; cleanup(); reject(new SkywireError('reset', `the stream ended after ${total} bytes of the payload`)); } };
    const cleanup = (): void => { stream.off('end', onEnd); stream.off('close', onEnd); stream.off('error', onEnd); };
    stream.on('end', onEnd);
    stream.on('close', onEnd);
    stream.on('error', onEnd);
  });
