// Length-prefixed frames on an overlay stream: a 4-byte big-endian length, then that many bytes.
// Registration, heartbeats, commands and their results all travel this way. A length over the
// limit is a protocol error: the stream is destroyed rather than buffered without bound.
import type { Duplex } from 'node:stream';

export const MAX_FRAME = 1024 * 1024;
const enc = new TextEncoder();

export const frame = (bytes: Uint8Array): Uint8Array => {
  const out = new Uint8Array(4 + bytes.length);
  new DataView(out.buffer).setUint32(0, bytes.length);
  out.set(bytes, 4);
  return out;
};

export const jsonFrame = (v: unknown): Uint8Array => frame(enc.encode(JSON.stringify(v)));

/** Calls onFrame for each complete frame read from the stream; returns a function to stop. */
export const readFrames = (stream: Duplex, onFrame: (bytes: Uint8Array) => void, max = MAX_FRAME): () => void => {
  let buf: Buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    while (buf.length >= 4) {
      const len = buf.readUInt32BE(0);
      if (len > max) {
        stream.destroy();
        return;
      }
      if (buf.length < 4 + len) return;
      const f = new Uint8Array(buf.subarray(4, 4 + len));
      buf = buf.subarray(4 + len);
      onFrame(f);
    }
  };
  stream.on('data', onData);
  return () => stream.off('data', onData);
};

/** Parses a frame as JSON; undefined for bytes that are not JSON (never throws). */
export const parseJsonFrame = (bytes: Uint8Array): unknown => {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return undefined;
  }
};
