// The client's view of one stream: send a frame, take the next one, read it as a reply. Shared
// by files-client.ts (small requests) and client-transfer.ts (put and get).
import type { Duplex } from 'node:stream';
import { SkywireError, type ErrorCode } from '../../../errors.ts';
import type { Frame } from './files-protocol.ts';
import { readFrames, sendFrame } from './frame-stream.ts';

export interface FilesWire {
  send(frame: Buffer): Promise<void>;
  /** The next frame; rejects with `reset` if the stream ends first. */
  next(): Promise<Frame>;
  /** The next frame as a reply: resolves an ok reply, throws an error reply as a SkywireError. */
  reply(): Promise<Record<string, unknown>>;
  /** Ends the stream when a transfer stops half-way and the replies would no longer pair up. */
  abort(): void;
}

export const checkReply = (f: Frame): Record<string, unknown> => {
  if (f.kind !== 'json') throw new SkywireError('BAD_REQUEST', 'the files server sent data where a reply was expected');
  const v = f.value;
  if (v.ok === true) return v;
  throw new SkywireError((typeof v.code === 'string' ? v.code : 'INTERNAL') as ErrorCode, typeof v.message === 'string' ? v.message : 'the files server refused');
};

export const openWire = (stream: Duplex): FilesWire => {
  const frames = readFrames(stream);
  stream.on('error', () => {}); // surfaces through next() and send() instead
  const wire: FilesWire = {
    send: (frame) => sendFrame(stream, frame),
    next: async () => {
      const r = await frames.next().catch((e: Error) => { throw new SkywireError('reset', `the files stream failed: ${e.message}`); });
      if (r.done) throw new SkywireError('reset', 'the files server closed the stream before answering');
      return r.value;
    },
    reply: async () => checkReply(await wire.next()),
    abort: () => void stream.destroy(),
  };
  return wire;
};
