// The framing of the terminal and forward services: a type byte, a 32-bit big-endian payload
// length, the payload. Sans-IO: the decoder takes bytes from the network and never throws; a
// peer that breaks the framing gets a 'bad-frame' result and its stream is closed.
export const FrameType = {
  /** Client to node, first frame only: a SignedCommand as the master's signer encoded it. */
  Command: 0x01,
  /** Node to client: the command was accepted and the service is running. */
  Open: 0x02,
  /** Node to client: refused or failed; JSON {code, message}; the node then ends the stream. */
  Error: 0x03,
  /** Terminal bytes, either way. */
  Data: 0x04,
  /** Client to node: window size, cols u16 then rows u16. */
  Resize: 0x05,
  /** Node to client, last frame: JSON {code, signal} of the shell. */
  Exit: 0x06,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export interface Frame { type: number; payload: Uint8Array }

export const HEADER_BYTES = 5;
/** Larger than any frame a well-behaved peer sends (the client chunks data to 16 KiB). */
export const MAX_PAYLOAD = 64 * 1024;

export const encodeFrame = (type: FrameType, payload: Uint8Array = new Uint8Array(0)): Buffer => {
  const out = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  out[0] = type;
  out.writeUInt32BE(payload.length, 1);
  out.set(payload, HEADER_BYTES);
  return out;
};

export const jsonFrame = (type: FrameType, value: unknown): Buffer =>
  encodeFrame(type, Buffer.from(JSON.stringify(value), 'utf8'));

/** Data frames of at most 16 KiB each, so one big write does not become one huge frame. */
export const dataFrames = (bytes: Uint8Array): Buffer[] => {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 16384) out.push(encodeFrame(FrameType.Data, bytes.subarray(i, i + 16384)));
  return out;
};

export const resizeFrame = (cols: number, rows: number): Buffer => {
  const p = Buffer.alloc(4);
  p.writeUInt16BE(clampDim(cols), 0);
  p.writeUInt16BE(clampDim(rows), 2);
  return encodeFrame(FrameType.Resize, p);
};

const clampDim = (n: number): number => (Number.isInteger(n) && n >= 1 ? Math.min(n, 1000) : 80);

export const parseResize = (p: Uint8Array): { cols: number; rows: number } | null =>
  p.length === 4 ? { cols: clampDim(Buffer.from(p).readUInt16BE(0)), rows: clampDim(Buffer.from(p).readUInt16BE(2)) } : null;

/** JSON payload of an Open, Error or Exit frame; null when it is not a JSON object. */
export const parseJson = (p: Uint8Array): Record<string, unknown> | null => {
  try {
    const v: unknown = JSON.parse(Buffer.from(p).toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

export class FrameDecoder {
  private buf = Buffer.alloc(0);
  /** Set once the peer broke the framing; every later push returns nothing. */
  broken = false;

  push(chunk: Uint8Array): Frame[] {
    if (this.broken) return [];
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    const frames: Frame[] = [];
    while (this.buf.length >= HEADER_BYTES) {
      const len = this.buf.readUInt32BE(1);
      if (len > MAX_PAYLOAD) {
        this.broken = true;
        return frames;
      }
      if (this.buf.length < HEADER_BYTES + len) break;
      frames.push({ type: this.buf[0]!, payload: this.buf.subarray(HEADER_BYTES, HEADER_BYTES + len) });
      this.buf = this.buf.subarray(HEADER_BYTES + len);
    }
    return frames;
  }

  /** Bytes received after the last whole frame (the raw data after a forward's first frame). */
  rest(): Buffer {
    const r = this.buf;
    this.buf = Buffer.alloc(0);
    return r;
  }
}
