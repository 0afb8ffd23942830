// One node's SMS: sends (sign, store, forward), takes custody of parcels from neighbours
// (verify, persist, then ack), delivers to the inbox once per id, and answers with a signed
// receipt that travels back the same store-and-forward way.
//
//   neighbour ─ parcel ─▶ decode ─▶ verify ─▶ for me?  inbox once, receipt queued ─┐
//                                          └▶ relay:   outbox (one copy) ──────────┴▶ save ─▶ custody ack
//   outbox ─▶ SmsForwarder ─▶ next hop … custody ack ─▶ drop from outbox
//
// Nothing is acknowledged before it is on disk: the custody ack, the "delivered" callback, the
// receipt and a resend's repeated ack all wait for the store's save (which on a full disk may
// take as long as the disk stays full; the previous hop keeps the parcel and resends meanwhile).
import type { Observable, Subscription } from 'rxjs';
import { Proto, type LinkLayer } from '../overlay/link-layer.ts';
import { addressBytesOf, addressOf, base32Decode, base32Encode } from '../identity/address.ts';
import { fail } from '../errors.ts';
import { errnoOf } from '../node/disk-health.ts';
import { decodeFrame, encodeAck, MAX_BODY_BYTES, type Ack, type Parcel } from './sms-wire.ts';
import { signParcel, verifyParcel } from './sms-sign.ts';
import { decodeText, encodeText } from './text-code.ts';
import { SmsForwarder, type PathSource } from './sms-forwarder.ts';
import { withSmsDefaults, type SmsOptions } from './sms-options.ts';
import type { HeldParcel, InboxEntry, SentEntry, SmsStore } from './sms-store.ts';
import { SmsCounters } from './sms-counters.ts';
import { applyCustodyAck, applyReceipt } from './sms-custody.ts';

export interface SmsDeps {
  layer: LinkLayer;
  topology: PathSource & { changes$: Observable<unknown> };
  store: SmsStore;
  options?: Partial<SmsOptions> | undefined;
  /** A message landed in this node's inbox (once per id, ever). */
  onDelivered?: ((e: InboxEntry) => void) | undefined;
  /** The receipt for a message this node sent came back. */
  onReceipt?: ((e: SentEntry) => void) | undefined;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
const HANDED_OFF_MAX = 10_000;
/** Custody a relay takes for others, in all and per neighbour that handed it over. Full, it
 *  takes no more (and acks nothing): the sender keeps custody and retries later, so nothing is
 *  lost, and a neighbour flooding signed parcels under made-up keys cannot fill the disk.
 *  Held parcels also expire (options.expireMs). */
export const MAX_CUSTODY = 4096;
export const MAX_CUSTODY_PER_NEIGHBOUR = 1024;
/** Inbox entries kept (they are the dedupe record too); beyond, the oldest go, and a message
 *  created before the oldest kept one is treated as already delivered (at most once holds). */
export const MAX_INBOX = 20_000;

export class SmsService {
  readonly counters = new SmsCounters();
  readonly forwarder: SmsForwarder;
  readonly options: SmsOptions;
  /** Parcels handed on, with the neighbour they came from: that neighbour's resend (our ack was
   *  lost) is acked again rather than taken twice. Memory only: after a crash the worst case is
   *  one extra copy in flight, which later hops and the inbox dedupe. */
  private readonly handedOff = new Map<string, string | null>();
  /** Parcel keys ("msg:ID", "rcpt:ID") taken into the outbox or inbox but not yet on disk:
   *  not forwarded, not acked (a resend meanwhile is ignored), not reported. */
  private readonly unsaved = new Set<string>();
  private readonly subs: Subscription[] = [];

  constructor(private readonly d: SmsDeps) {
    this.options = withSmsDefaults(d.options);
    const l = d.layer;
    this.forwarder = new SmsForwarder({
      layer: l, self: l.address, topology: d.topology, clock: l.clock, random: l.random, options: this.options,
      held: () => this.durableOutbox(), expire: (key) => this.expire(key),
    });
    l.register(Proto.Sms, (peer, bytes) => this.receive(peer, bytes));
    this.subs.push(d.topology.changes$.subscribe(() => this.forwarder.reroute()));
    this.subs.push(l.linkEvents$.subscribe((e) => { if (e.to === 'up') this.forwarder.reroute(); }));
    if (l.keysAsked$) this.subs.push(l.keysAsked$.subscribe((peer) => this.forwarder.retryVia(peer)));
    this.forwarder.reroute();
  }

  get address(): string {
    return this.d.layer.address;
  }

  /** Signs, stores and queues a message; resolves once it is on disk. When it cannot be written
   *  it is neither kept nor sent, and the caller gets WRITE_FAILED with the errno. */
  async send(to: string, text: string): Promise<SentEntry & { bytes: number }> {
    const toBytes = base32Decode(to);
    if (!toBytes || toBytes.length !== 16) return fail('SMS_BAD_RECIPIENT', `"${to}" is not an address (26 base32 characters)`);
    const { coding, bytes: body } = encodeText(text);
    if (body.length > MAX_BODY_BYTES) fail('SMS_TOO_LONG', `the text takes ${body.length} bytes coded; at most ${MAX_BODY_BYTES} fit one frame`);
    const { layer, store } = this.d;
    const id = layer.random.bytes(16);
    const time = Math.floor(layer.clock.wallMs() / 1000);
    const frame = signParcel(layer.suite, layer.identity, { kind: 'msg', id, to: toBytes, time, coding, body });
    const entry: SentEntry = { id: hex(id), to, text, createdAt: time * 1000, state: 'queued', forwardedAt: null, deliveredAt: null };
    const key = `msg:${entry.id}`;
    store.data.sent[entry.id] = entry;
    store.data.outbox[key] = { kind: 'msg', frame: b64(frame), dest: to, since: layer.clock.wallMs(), from: null };
    this.unsaved.add(key);
    try {
      await store.saveOrFail();
    } catch (e) {
      // Taken back before any retry can write it (retries wait on the clock): a message we said
      // was not sent must not go out later.
      delete store.data.sent[entry.id];
      delete store.data.outbox[key];
      this.unsaved.delete(key);
      this.counters.add('sms-not-stored');
      return fail('WRITE_FAILED', `message not sent: cannot write ${store.file} (${errnoOf(e)}); free space on the node's disk and send it again`, e);
    }
    this.unsaved.delete(key);
    this.counters.add('sent');
    if (to === this.address) {
      this.receive(this.address, frame); // a note to self takes the same path
      await store.save();
    }
    this.forwarder.pump();
    return { ...store.data.sent[entry.id]!, bytes: frame.length };
  }

  receive(peer: string, bytes: Uint8Array): void {
    const f = decodeFrame(bytes);
    if (!f) return this.drop('sms-malformed');
    if (f.type === 'ack') return this.acked(f.ack);
    const p = f.parcel;
    if (!verifyParcel(this.d.layer.suite, bytes, p)) return this.drop('sms-bad-signature');
    const { data } = this.d.store;
    const id = hex(p.id);
    const key = `${p.kind}:${id}`;
    if (peer !== this.address) this.forwarder.learn(addressOf(p.key), peer); // the way back to its signer
    if (Buffer.from(p.to).equals(this.d.layer.identity.addressBytes)) {
      let done: () => void;
      if (p.kind === 'msg') {
        if (data.inbox[id] || p.time * 1000 < this.inboxHorizon()) return this.duplicate(peer, p);
        const text = decodeText(p.coding, p.body);
        if (text === null) return this.drop('sms-bad-text');
        done = this.deliver(p, id, text);
      } else {
        const r = applyReceipt(data, p, id);
        if (!r.ok) return r.reason === 'wrong-signer' ? this.drop('sms-receipt-wrong-signer') : this.duplicate(peer, p);
        this.forwarder.forget(`msg:${id}`);
        done = () => { this.counters.add('receipts'); this.d.onReceipt?.(r.entry); };
      }
      if (peer === this.address) delete data.outbox[key];
      // A message straight from its sender: the receipt, going to that same neighbour at once,
      // ends its custody too (src/sms/sms-custody.ts, applyReceipt), so no custody ack goes
      // first: on a 1200 bit/s hop that frame cost 1.3-1.6 s before the receipt could go. A
      // resend (the receipt lost) is a duplicate here and gets its custody ack then.
      const viaSender = p.kind === 'msg' && addressOf(p.key) === peer;
      return this.persistThenAck(peer, p, () => { done(); this.forwarder.pump(); }, !viaSender); // the receipt goes at once
    }
    // A relay keeps one copy at a time; a parcel it handed on comes back only through a detour.
    // A flooded parcel is taken once: a copy that comes back by another way is only acked.
    if (data.outbox[key] || this.forwarder.flooded.has(key) || (this.handedOff.has(key) && this.handedOff.get(key) === peer)) return this.duplicate(peer, p);
    const held = Object.values(data.outbox);
    if (held.length >= MAX_CUSTODY) return this.drop('sms-custody-full');
    if (held.length >= MAX_CUSTODY_PER_NEIGHBOUR && held.filter((h) => h.from === peer).length >= MAX_CUSTODY_PER_NEIGHBOUR) return this.drop('sms-custody-full-neighbour');
    data.outbox[key] = { kind: p.kind, frame: b64(bytes), dest: base32Encode(p.to), since: this.d.layer.clock.wallMs(), from: peer };
    this.counters.add('custody');
    this.persistThenAck(peer, p, () => this.forwarder.pump());
  }

  /** Into the inbox, and a signed receipt queued back toward the sender (held back, like the
   *  "delivered" callback it returns, until the inbox entry is on disk). */
  private deliver(p: Parcel, id: string, text: string): () => void {
    const { layer, store } = this.d;
    const e: InboxEntry = { id, from: addressOf(p.key), text, createdAt: p.time * 1000, receivedAt: layer.clock.wallMs() };
    store.data.inbox[id] = e;
    this.trimInbox();
    const done = (): void => { this.counters.add('delivered'); this.d.onDelivered?.(e); };
    const rcpt = signParcel(layer.suite, layer.identity, { kind: 'rcpt', id: p.id, to: addressBytesOf(p.key), time: Math.floor(layer.clock.wallMs() / 1000), coding: 'utf8', body: new Uint8Array(0) });
    if (e.from === this.address) {
      this.receive(this.address, rcpt);
      return done;
    }
    store.data.outbox[`rcpt:${id}`] = { kind: 'rcpt', frame: b64(rcpt), dest: e.from, since: layer.clock.wallMs(), from: null };
    this.unsaved.add(`rcpt:${id}`);
    return done;
  }

  private acked(a: Ack): void {
    const key = `${a.kind}:${hex(a.id)}`;
    const held = this.d.store.data.outbox[key];
    if (!held) return;
    this.handedOff.set(key, held.from);
    if (this.handedOff.size > HANDED_OFF_MAX) this.handedOff.delete(this.handedOff.keys().next().value!);
    applyCustodyAck(this.d.store.data, key, held, a, this.d.layer.clock.wallMs());
    this.forwarder.forget(key);
    this.counters.add('handed-on');
    this.d.store.persist();
  }

  private duplicate(peer: string, p: Parcel): void {
    // Our copy is not on disk yet: the ack follows the save, a resend meanwhile gets none.
    if (this.unsaved.has(`${p.kind}:${hex(p.id)}`)) return void this.counters.add('awaiting-disk');
    this.counters.add('duplicates');
    if (peer !== this.address) this.ackNow(peer, p);
  }

  /** Saves, then acks the sending neighbour (none for our own parcels) and runs `then`. Until the
   *  save is durable the parcel is held back from forwarding and resends are not acked. */
  private persistThenAck(peer: string, p: Parcel, then?: () => void, ack = true): void {
    const key = `${p.kind}:${hex(p.id)}`;
    const rcpt = `rcpt:${hex(p.id)}`;
    this.unsaved.add(key);
    this.d.store.save().then(() => {
      this.unsaved.delete(key);
      if (p.kind === 'msg') this.unsaved.delete(rcpt);
      if (peer !== this.address && ack) this.ackNow(peer, p);
      then?.();
    }, () => this.drop('sms-store-closed')); // stopped before the disk took it: no ack, the sender keeps it
  }

  /** The outbox without parcels whose custody is not on disk yet. */
  private durableOutbox(): Record<string, HeldParcel> {
    const all = this.d.store.data.outbox;
    if (this.unsaved.size === 0) return all;
    return Object.fromEntries(Object.entries(all).filter(([k]) => !this.unsaved.has(k)));
  }

  private ackNow(peer: string, p: Parcel): void {
    this.d.layer.sendTo(peer, encodeAck({ kind: p.kind, id: p.id }));
  }

  private expire(key: string): void {
    const held = this.d.store.data.outbox[key];
    delete this.d.store.data.outbox[key];
    const sent = held?.from === null && held.kind === 'msg' ? this.d.store.data.sent[key.slice(4)] : undefined;
    if (sent && sent.state !== 'delivered') sent.state = 'expired';
    this.counters.add('expired');
    this.d.store.persist();
  }

  /** createdAt of the oldest message the inbox still holds once it is full (0 before). */
  private inboxHorizon(): number {
    return this.d.store.data.inboxHorizon ?? 0;
  }

  private trimInbox(): void {
    const { data } = this.d.store;
    const ids = Object.keys(data.inbox);
    if (ids.length <= MAX_INBOX) return;
    const byAge = ids.sort((a, b) => data.inbox[a]!.createdAt - data.inbox[b]!.createdAt);
    for (const id of byAge.slice(0, ids.length - MAX_INBOX)) {
      data.inboxHorizon = Math.max(data.inboxHorizon ?? 0, data.inbox[id]!.createdAt + 1);
      delete data.inbox[id];
      this.counters.add('inbox-evicted');
    }
  }

  private drop(reason: string): void {
    this.counters.add(reason);
    this.d.layer.countDrop(reason);
  }

  status(): Record<string, unknown> {
    const { data } = this.d.store;
    return { held: Object.keys(data.outbox).length, floods: this.forwarder.floods, inbox: Object.keys(data.inbox).length, sent: Object.keys(data.sent).length, awaitingDisk: this.unsaved.size, counters: this.counters.snapshot() };
  }

  stop(): void {
    this.forwarder.stop();
    for (const s of this.subs.splice(0)) s.unsubscribe();
  }
}
