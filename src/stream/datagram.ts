// Datagram codec: unreliable, port to port, one per conversation packet.
//   0 kind=2 | 1..3 source port u16 | 3..5 destination port u16 | data
import { drop, ok, type Decoded } from '../wire/result.ts';
import { getU16, setU16 } from '../wire/bytes.ts';
import { DATAGRAM_HEADER_BYTES, StreamKind } from './stream-wire.ts';

export interface Datagram {
  srcPort: number;
  dstPort: number;
  bytes: Uint8Array;
}

export const encodeDatagram = (d: Datagram, alloc: (n: number) => Uint8Array = (n) => new Uint8Array(n)): Uint8Array => {
  const b = alloc(DATAGRAM_HEADER_BYTES + d.bytes.length);
  b[0] = StreamKind.Datagram;
  setU16(b, 1, d.srcPort);
  setU16(b, 3, d.dstPort);
  b.set(d.bytes, DATAGRAM_HEADER_BYTES);
  return b;
};

export const decodeDatagram = (b: Uint8Array): Decoded<Datagram> => {
  if (b.length < DATAGRAM_HEADER_BYTES) return drop('malformed');
  if (b[0] !== StreamKind.Datagram) return drop('unknown-type');
  return ok({ srcPort: getU16(b, 1), dstPort: getU16(b, 3), bytes: b.slice(DATAGRAM_HEADER_BYTES) });
};
