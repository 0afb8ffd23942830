// Topology messages travel in link payloads after the Proto.Topology byte, then a subtype.
// A record message carries one signed record verbatim, so relays forward it without re-encoding.
import { Proto } from '../overlay/link-layer.ts';
import { drop, ok, type Decoded } from '../wire/result.ts';

export const TopoMsg = { Record: 0x01, SyncRequest: 0x02 } as const;
export const TOPO_HEADER_BYTES = 2;

export type TopoMessage = { type: 'record'; record: Uint8Array } | { type: 'sync-request' };

export const encodeRecordMsg = (record: Uint8Array): Uint8Array => {
  const out = new Uint8Array(TOPO_HEADER_BYTES + record.length);
  out[0] = Proto.Topology;
  out[1] = TopoMsg.Record;
  out.set(record, TOPO_HEADER_BYTES);
  return out;
};

/** "Send me your whole database": sent when a link comes up, answered with every record. */
export const encodeSyncRequest = (): Uint8Array => Uint8Array.of(Proto.Topology, TopoMsg.SyncRequest);

export const decodeTopoMsg = (b: Uint8Array): Decoded<TopoMessage> => {
  if (b.length < TOPO_HEADER_BYTES || b[0] !== Proto.Topology) return drop('malformed');
  if (b[1] === TopoMsg.Record) return ok({ type: 'record', record: b.subarray(TOPO_HEADER_BYTES) });
  if (b[1] === TopoMsg.SyncRequest) return b.length === TOPO_HEADER_BYTES ? ok({ type: 'sync-request' }) : drop('malformed');
  return drop('unknown-type');
};
