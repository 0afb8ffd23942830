// Frames over a byte stream, with backpressure both ways: frames are parsed only as fast as the
// consumer takes them (the async iterator pulls), and sendFrame waits for 'drain'.
import type { Readable, Writable } from 'node:stream';
import { SkywireError } from '../../../errors.ts';
import { decodeFrame, MAX_FRAME, type Frame } from './files-protocol.ts';

const malformed = (why: string): SkywireError => new SkywireError('BAD_REQUEST', `malformed frame: ${why}; the stream is closed`);

export async function* readFrames(stream: Readable): AsyncGenerator<Frame> {
  let parts: Buffer[] = [];
  let have = 0;
  for await (const c of stream as AsyncIterable<Buffer>) {
    parts.push(c);
    have += c.length;
    while (have >= 4) {
      if (parts[0]!.length < 4) parts = [Buffer.concat(parts)];
      const len = parts[0]!.readUInt32BE(0);
      if (len < 1 || len > MAX_FRAME) throw malformed(`length ${len} is outside 1..${MAX_FRAME}`);
      // Concatenate once per frame, when all of it is here, not once per arriving piece.
      if (have < 4 + len) break;
      const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      const frame = decodeFrame(all.subarray(4, 4 + len));
      if (!frame) throw malformed(`kind ${all[4]} with ${len - 1} body bytes is not a JSON object or a chunk`);
      const rest = all.subarray(4 + len);
      parts = rest.length > 0 ? [rest] : [];
      have = rest.length;
      yield frame;
    }
  }
  if (have > 0) throw malformed(`the stream ended inside a frame (${have} bytes left over)`);
}

/** Resolves once the frame is queued under the stream's high-water mark; rejects if the stream
 *  closes first, so a writer never waits forever on a dead peer. */
export const sendFrame = (stream: Writable, frame: Buffer): Promise<void> => {
  if (stream.destroyed || stream.writableEnded) return Promise.reject(new SkywireError('reset', 'the stream is closed'));
  if (stream.write(frame)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (err?: Error): void => {
      stream.off('drain', onDrain);
      stream.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = (): void => done();
    const onClose = (): void => done(new SkywireError('reset', 'the stream closed while sending'));
    stream.on('drain', onDrain);
    stream.on('close', onClose);
  });
};
