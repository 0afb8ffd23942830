// Datagrams between an app and its node travel as length-prefixed frames on one connection:
//   u32 length of the rest | u8 address length | address (ASCII) | u16 port | payload
// App to node the address and port are the destination; node to app, the sender and its port.
// The reader never throws: input that cannot be a frame ends the stream (the caller closes it).

/** Above any overlay datagram (1.3 kB on internet paths, 64.9 kB on loopback): a bigger length
 *  is garbage, not a datagram. */
export const MAX_DGRAM_FRAME = 65_536;

export interface DgramFrame { address: string; port: number; bytes: Uint8Array }

export const encodeDgram = (f: DgramFrame): Buffer => {
  const addr = Buffer.from(f.address, 'latin1');
  const out = Buffer.alloc(4 + 1 + addr.length + 2 + f.bytes.length);
  out.writeUInt32BE(out.length - 4, 0);
  out.writeUInt8(addr.length, 4);
  addr.copy(out, 5);
  out.writeUInt16BE(f.port, 5 + addr.length);
  out.set(f.bytes, 7 + addr.length);
  return out;
};

export class DgramReader {
  private buf: Buffer = Buffer.alloc(0);

  /** Frames completed by this chunk, or null once the input is malformed. */
  push(chunk: Buffer): DgramFrame[] | null {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const frames: DgramFrame[] = [];
    while (this.buf.length >= 4) {
      const len = this.buf.readUInt32BE(0);
      if (len < 3 || len > MAX_DGRAM_FRAME) return null;
      if (this.buf.length < 4 + len) break;
      const body = this.buf.subarray(4, 4 + len);
      const alen = body.readUInt8(0);
      if (1 + alen + 2 > len) return null;
      frames.push({
        address: body.subarray(1, 1 + alen).toString('latin1'),
        port: body.readUInt16BE(1 + alen),
        bytes: new Uint8Array(body.subarray(3 + alen)),
      });
      this.buf = this.buf.subarray(4 + len);
    }
    return frames;
  }
}
