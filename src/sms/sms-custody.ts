// The bookkeeping of custody and receipts on the persisted data, kept apart from I/O so each
// rule reads (and is tested) on its own. Callers save the data afterwards.
import { addressOf } from '../identity/address.ts';
import type { Ack, Parcel } from './sms-wire.ts';
import type { HeldParcel, SentEntry, SmsData } from './sms-store.ts';

/** The next hop took custody: the parcel leaves our outbox; our own message is now 'forwarded'. */
export const applyCustodyAck = (data: SmsData, key: string, held: HeldParcel, a: Ack, wallMs: number): void => {
  delete data.outbox[key];
  if (held.from !== null || a.kind !== 'msg') return;
  const s = data.sent[key.slice(4)];
  if (s && s.state === 'queued') {
    s.state = 'forwarded';
    s.forwardedAt = wallMs;
  }
};

export type ReceiptResult = { ok: true; entry: SentEntry } | { ok: false; reason: 'duplicate' | 'unknown-message' | 'wrong-signer' };

/** A receipt for a message we sent: 'delivered' once, and only if the addressee signed it. */
export const applyReceipt = (data: SmsData, p: Parcel, id: string): ReceiptResult => {
  const s = data.sent[id];
  if (!s) return { ok: false, reason: 'unknown-message' };
  if (addressOf(p.key) !== s.to) return { ok: false, reason: 'wrong-signer' };
  if (s.state === 'delivered') return { ok: false, reason: 'duplicate' };
  s.state = 'delivered';
  s.deliveredAt = p.time * 1000;
  s.forwardedAt ??= s.deliveredAt;
  // The receipt may overtake our own custody ack (a lost ack): nothing left to send.
  delete data.outbox[`msg:${id}`];
  return { ok: true, entry: s };
};
