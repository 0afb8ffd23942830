// What an SMS node keeps across crashes: parcels in its custody (outbox), delivered messages
// (inbox: the dedupe record too, so a message lands there once ever), and the state of what
// it sent. `save()` resolves only once the state is durable: callers ack custody after it.
// On a real node a failed write is retried (src/node/durable-file.ts), so save() may take as
// long as the disk stays full; saveOrFail() is for a person waiting for an answer.
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
  /** Messages created before this (wall ms) count as delivered: the inbox let them go (bounded). */
  inboxHorizon?: number;
}
export interface SmsStore {
  readonly data: SmsData;
  /** Where it is kept, for error messages. */
  readonly file: string;
  /** Resolves once the data as it is now is durable; rejects only if the store closes first. */
  save(): Promise<void>;
  /** Rejects (errno in `code`) if the next write fails. */
  saveOrFail(): Promise<void>;
  /** Write soon, nobody waits (failures are retried and reported by the store). */
  persist(): void;
  /** True while the latest data is not known to be on disk. */
  readonly pending: boolean;
  /** Stops retrying after one last write; false when the data is not on disk. */
  close(): Promise<boolean>;
}

export const emptySmsData = (): SmsData => ({ version: 1, outbox: {}, inbox: {}, sent: {} });

export const isSmsData = (d: unknown): d is SmsData => {
  const o = d as Partial<SmsData> | null;
  return typeof o === 'object' && o !== null && o.version === 1 && typeof o.outbox === 'object' && typeof o.inbox === 'object' && typeof o.sent === 'object';
};

/** The simulator's "disk": what was last saved survives a crash, nothing after it. */
export interface SmsDisk { saved: string | null }

export const memorySmsStore = (disk: SmsDisk): SmsStore => {
  const data: SmsData = disk.saved === null ? emptySmsData() : (JSON.parse(disk.saved) as SmsData);
  const persist = (): void => { disk.saved = JSON.stringify(data); };
  const save = (): Promise<void> => {
    persist();
    return Promise.resolve();
  };
  return { data, file: 'memory', save, saveOrFail: save, persist, pending: false, close: () => save().then(() => true) };
};
