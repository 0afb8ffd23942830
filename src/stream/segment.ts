// Stream segment codec. Layout (big-endian), 30 bytes + 2 for SYN + data:
//   0 kind=1 | 1..5 stream id | 5 flags | 6..12 seq u48 | 12..18 ack u48 | 18..22 window u32
//   22..26 ts u32 | 26..30 echo u32 | [30..32 port u16 if SYN] | data
// SYN and RST segments carry no data, so their length is exact; others carry what remains.
import { drop, ok, type Decoded } from '../wire/result.ts';
import { getU16, getU32, setU16, setU32 } from '../wire/bytes.ts';
import { Flag, FLAG_MASK, SEGMENT_HEADER_BYTES, SEQ_LIMIT, StreamKind, SYN_PORT_BYTES, U32 } from './stream-wire.ts';

export interface Segment {
  id: number;
  flags: number;
  /** Sequence number of the first unit (SYN, data byte or FIN) in this segment. */
  seq: number;
  /** Next unit expected from the peer; meaningful only with the ACK flag. */
  ack: number;
  /** Bytes the sender of this segment can take beyond `ack`. */
  window: number;
  /** Sender's clock in ms (never 0), and the latest peer `ts` it echoes (0: none yet). */
  ts: number;
  echo: number;
  /** Destination port; only on the wire with SYN. */
  port: number;
  data: Uint8Array;
}

export const headerBytes = (flags: number): number => SEGMENT_HEADER_BYTES + (flags & Flag.SYN ? SYN_PORT_BYTES : 0);

/** Units of sequence space a segment occupies: SYN and FIN count one each. */
export const segmentLength = (s: Segment): number =>
  s.data.length + (s.flags & Flag.SYN ? 1 : 0) + (s.flags & Flag.FIN ? 1 : 0);

const setU48 = (b: Uint8Array, at: number, x: number): void => {
  setU16(b, at, Math.floor(x / U32));
  setU32(b, at + 2, x >>> 0);
};
const getU48 = (b: Uint8Array, at: number): number => getU16(b, at) * U32 + getU32(b, at + 2);

/** `alloc` makes the buffer: a conversation passes packetFor (src/wire/packet.ts), so this
 *  one copy of the data is the only one on the way to the socket. */
export const encodeSegment = (s: Segment, alloc: (n: number) => Uint8Array = (n) => new Uint8Array(n)): Uint8Array => {
  const h = headerBytes(s.flags);
  const b = alloc(h + s.data.length);
  b[0] = StreamKind.Segment;
  setU32(b, 1, s.id >>> 0);
  b[5] = s.flags & FLAG_MASK;
  setU48(b, 6, s.seq);
  setU48(b, 12, s.ack);
  setU32(b, 18, s.window >>> 0);
  setU32(b, 22, s.ts >>> 0);
  setU32(b, 26, s.echo >>> 0);
  if (s.flags & Flag.SYN) setU16(b, 30, s.port);
  b.set(s.data, h);
  return b;
};

export const decodeSegment = (b: Uint8Array): Decoded<Segment> => {
  if (b.length < SEGMENT_HEADER_BYTES) return drop('malformed');
  if (b[0] !== StreamKind.Segment) return drop('unknown-type');
  const flags = b[5]!;
  if (flags & ~FLAG_MASK) return drop('malformed');
  const syn = (flags & Flag.SYN) !== 0;
  // SYN with FIN or RST has no meaning here; refusing it keeps the state machine small.
  if (syn && flags & (Flag.FIN | Flag.RST)) return drop('malformed');
  const h = headerBytes(flags);
  if (b.length < h) return drop('malformed');
  if ((syn || flags & Flag.RST) && b.length !== h) return drop('malformed');
  const seq = getU48(b, 6);
  // A view, not a copy: a conversation's input is the datagram it was decrypted in, which is
  // given away to it (ConversationDeps); the receive queue keeps it as it is (chunk-queue.ts).
  const data = b.subarray(h);
  if (seq + data.length + 2 > SEQ_LIMIT) return drop('malformed');
  return ok({
    id: getU32(b, 1),
    flags,
    seq,
    ack: getU48(b, 12),
    window: getU32(b, 18),
    ts: getU32(b, 22),
    echo: getU32(b, 26),
    port: syn ? getU16(b, 30) : 0,
    data,
  });
};

/** A bare RST for a stream we hold no state for. */
export const encodeRst = (id: number, alloc?: (n: number) => Uint8Array): Uint8Array =>
  encodeSegment({ id, flags: Flag.RST, seq: 0, ack: 0, window: 0, ts: 0, echo: 0, port: 0, data: new Uint8Array(0) }, alloc);
