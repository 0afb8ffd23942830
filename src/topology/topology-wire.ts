// Topology messages travel in link payloads after the Proto.Topology byte, then a subtype.
// A record message carries one signed record verbatim, so relays forward it without re-encoding.
import { Proto } from '../overlay/link-layer.ts';
import { drop, ok, type Decoded } from '../wire/result.ts';

export const TopoMsg = { Record: 0x01, SyncRequest: 0x02, Fragment: 0x03, RecordRequest: 0x04 } as const;
/** Sync request flag: the sender is a stub (a leaf): send it your own record only, and flood it
 *  only yours; it asks for others with record requests when it needs them. */
export const SYNC_STUB = 0x01;
const ADDRESS_BYTES = 16;
export const TOPO_HEADER_BYTES = 2;
/** Proto, subtype, message id u16, index u8, count u8. */
export const FRAGMENT_HEADER_BYTES = 6;

export type TopoMessage = { type: 'record'; record: Uint8Array } | { type: 'sync-request'; stub: boolean }
  | { type: 'record-request'; origin: Uint8Array }
  | { type: 'fragment'; id: number; index: number; count: number; chunk: Uint8Array };

export const encodeRecordMsg = (record: Uint8Array): Uint8Array => {
  const out = new Uint8Array(TOPO_HEADER_BYTES + record.length);
  out[0] = Proto.Topology;
  out[1] = TopoMsg.Record;
  out.set(record, TOPO_HEADER_BYTES);
  return out;
};

/** "Send me your whole database": sent when a link comes up, answered with every record. A stub
 *  adds a flags byte with SYNC_STUB and gets only the neighbour's own record. */
export const encodeSyncRequest = (stub = false): Uint8Array =>
  (stub ? Uint8Array.of(Proto.Topology, TopoMsg.SyncRequest, SYNC_STUB) : Uint8Array.of(Proto.Topology, TopoMsg.SyncRequest));

/** "Send me the records on your path to this node": a stub's on-demand lookup. */
export const encodeRecordRequest = (origin: Uint8Array): Uint8Array => {
  const out = new Uint8Array(TOPO_HEADER_BYTES + ADDRESS_BYTES);
  out[0] = Proto.Topology;
  out[1] = TopoMsg.RecordRequest;
  out.set(origin, TOPO_HEADER_BYTES);
  return out;
};

export const decodeTopoMsg = (b: Uint8Array): Decoded<TopoMessage> => {
  if (b.length < TOPO_HEADER_BYTES || b[0] !== Proto.Topology) return drop('malformed');
  if (b[1] === TopoMsg.Record) return ok({ type: 'record', record: b.subarray(TOPO_HEADER_BYTES) });
  if (b[1] === TopoMsg.SyncRequest) {
    if (b.length === TOPO_HEADER_BYTES) return ok({ type: 'sync-request', stub: false });
    // Unknown flag bits are reserved: ignored, so a later flag does not break older nodes.
    return b.length === TOPO_HEADER_BYTES + 1 ? ok({ type: 'sync-request', stub: (b[2]! & SYNC_STUB) !== 0 }) : drop('malformed');
  }
  if (b[1] === TopoMsg.RecordRequest) {
    return b.length === TOPO_HEADER_BYTES + ADDRESS_BYTES ? ok({ type: 'record-request', origin: b.slice(TOPO_HEADER_BYTES) }) : drop('malformed');
  }
  if (b[1] === TopoMsg.Fragment) {
    if (b.length <= FRAGMENT_HEADER_BYTES) return drop('malformed');
    const id = (b[2]! << 8) | b[3]!;
    const index = b[4]!;
    const count = b[5]!;
    if (count < 2 || index >= count) return drop('malformed');
    return ok({ type: 'fragment', id, index, count, chunk: b.subarray(FRAGMENT_HEADER_BYTES) });
  }
  return drop('unknown-type');
};

/** Splits a message too big for one link payload of `mtu` bytes; null if even 255 would not do. */
export const fragment = (msg: Uint8Array, mtu: number, id: number): Uint8Array[] | null => {
  const size = mtu - FRAGMENT_HEADER_BYTES;
  const count = Math.ceil(msg.length / size);
  if (size < 1 || count > 255) return null;
  return Array.from({ length: count }, (_, i) => {
    const chunk = msg.subarray(i * size, Math.min(msg.length, (i + 1) * size));
    const out = new Uint8Array(FRAGMENT_HEADER_BYTES + chunk.length);
    out.set([Proto.Topology, TopoMsg.Fragment, (id >> 8) & 0xff, id & 0xff, i, count]);
    out.set(chunk, FRAGMENT_HEADER_BYTES);
    return out;
  });
};
