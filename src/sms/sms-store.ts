// What an SMS node keeps across crashes: parcels in its custody (outbox), delivered messages
// (inbox: the dedupe record too, so a message lands there once ever), and the state of what
// it sent. `save()` resolves only once the state is durable: callers ack custody after it.
export type ParcelKindName = 'msg' | 'rcpt';
export type SentState = 'queued' | 'forwarded' | 'delivered' | 'expired';

export interface HeldParcel {
  kind: ParcelKindName;
  /** The whole signed frame, base64: forwarded byte for byte. */
  frame: string;
  dest: string;
  /** Wall ms when this node took custody. */
  since: number;
  /** Neighbour it came from; null when this node created it. */
  from: string | null;
}
export interface InboxEntry { id: string; from: string; text: string; createdAt: number; receivedAt: number }
export interface SentEntry {
  id: string;
  to: string;
  text: string;
  createdAt: number;
  state: SentState;
  forwardedAt: number | null;
  deliveredAt: number | null;
}
export interface SmsData {
  version: 1;
  /** Keyed "msg:ID" / "rcpt:ID" (hex id). */
  outbox: Record<string, HeldParcel>;
  inbox: Record<string, InboxEntry>;
  sent: Record<string, SentEntry>;
}
export interface SmsStore { readonly data: SmsData; save(): Promise<void> }

export const emptySmsData = (): SmsData => ({ version: 1, outbox: {}, inbox: {}, sent: {} });

export const isSmsData = (d: unknown): d is SmsData => {
  const o = d as Partial<SmsData> | null;
  return typeof o === 'object' && o !== null && o.version === 1 && typeof o.outbox === 'object' && typeof o.inbox === 'object' && typeof o.sent === 'object';
};

/** The simulator's "disk": what was last saved survives a crash, nothing after it. */
export interface SmsDisk { saved: string | null }

export const memorySmsStore = (disk: SmsDisk): SmsStore => {
  const data: SmsData = disk.saved === null ? emptySmsData() : (JSON.parse(disk.saved) as SmsData);
  return {
    data,
    save: () => {
      disk.saved = JSON.stringify(data);
      return Promise.resolve();
    },
  };
};
