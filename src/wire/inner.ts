// Inner messages, carried encrypted inside transport packets:
//   Keepalive: [0x00]                       (1 byte)
//   Ping:      [0x01, id u32, sentAt u64]   (13 bytes; sentAt is the sender's monotonic ms)
//   Pong:      [0x02, id u32, sentAt u64]   (13 bytes; echoes the ping)
//   Payload:   [0x10, ...bytes]             (upper-layer bytes, opaque here)
import { InnerType } from './constants.ts';
import { drop, ok, view, type Decoded } from './result.ts';

export type Inner =
  | { kind: 'keepalive' }
  | { kind: 'ping' | 'pong'; id: number; sentAt: number }
  | { kind: 'payload'; bytes: Uint8Array };

export const encodeInner = (m: Inner): Uint8Array => {
  switch (m.kind) {
    case 'keepalive':
      return Uint8Array.of(InnerType.Keepalive);
    case 'ping':
    case 'pong': {
      const b = new Uint8Array(13);
      const v = view(b);
      b[0] = m.kind === 'ping' ? InnerType.Ping : InnerType.Pong;
      v.setUint32(1, m.id >>> 0);
      v.setBigUint64(5, BigInt(Math.max(0, Math.floor(m.sentAt))));
      return b;
    }
    case 'payload': {
      const b = new Uint8Array(1 + m.bytes.length);
      b[0] = InnerType.Payload;
      b.set(m.bytes, 1);
      return b;
    }
  }
};

export const decodeInner = (b: Uint8Array): Decoded<Inner> => {
  if (b.length < 1) return drop('malformed');
  switch (b[0]) {
    case InnerType.Keepalive:
      return b.length === 1 ? ok({ kind: 'keepalive' }) : drop('malformed');
    case InnerType.Ping:
    case InnerType.Pong: {
      if (b.length !== 13) return drop('malformed');
      const v = view(b);
      const sentAt = v.getBigUint64(5);
      if (sentAt > BigInt(Number.MAX_SAFE_INTEGER)) return drop('malformed');
      return ok({ kind: b[0] === InnerType.Ping ? 'ping' : 'pong', id: v.getUint32(1), sentAt: Number(sentAt) });
    }
    case InnerType.Payload:
      return ok({ kind: 'payload', bytes: b.subarray(1) });
    default:
      return drop('unknown-type');
  }
};
