// One node's SMS: sends (sign, store, forward), takes custody of parcels from neighbours
// (verify, persist, then ack), delivers to the inbox once per id, and answers with a signed
// receipt that travels back the same store-and-forward way.
//
//   neighbour ─ parcel ─▶ decode ─▶ verify ─▶ for me?  inbox once, receipt queued ─┐
//                                          └▶ relay:   outbox (one copy) ──────────┴▶ save ─▶ custody ack
//   outbox ─▶ SmsForwarder ─▶ next hop … custody ack ─▶ drop from outbox
import type { Observable, Subscription } from 'rxjs';
import { Proto, type LinkLayer } from '../overlay/link-layer.ts';
import { addressBytesOf, addressOf, base32Decode, base32Encode } from '../identity/address.ts';
import { fail } from '../errors.ts';
import { decodeFrame, encodeAck, MAX_BODY_BYTES, type Ack, type Parcel } from './sms-wire.ts';
import { signParcel, verifyParcel } from './sms-sign.ts';
import { decodeText, encodeText } from './text-code.ts';
import { SmsForwarder, type PathSource } from './sms-forwarder.ts';
import { withSmsDefaults, type SmsOptions } from './sms-options.ts';
import type { InboxEntry, SentEntry, SmsStore } from './sms-store.ts';
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

export class SmsService {
  readonly counters = new SmsCounters();
  readonly forwarder: SmsForwarder;
  readonly options: SmsOptions;
  /** Parcels handed on, with the neighbour they came from: that neighbour's resend (our ack was
   *  lost) is acked again rather than taken twice. Memory only: after a crash the worst case is
   *  one extra copy in flight, which later hops and the inbox dedupe. */
  private readonly handedOff = new Map<string, string | null>();
  private readonly subs: Subscription[] = [];

  constructor(private readonly d: SmsDeps) {
    this.options = withSmsDefaults(d.options);
    const l = d.layer;
    this.forwarder = new SmsForwarder({
      layer: l, self: l.address, topology: d.topology, clock: l.clock, random: l.random, options: this.options,
      held: () => d.store.data.outbox, expire: (key) => this.expire(key),
    });
    l.register(Proto.Sms, (peer, bytes) => this.receive(peer, bytes));
    this.subs.push(d.topology.changes$.subscribe(() => this.forwarder.reroute()));
    this.subs.push(l.linkEvents$.subscribe((e) => { if (e.to === 'up') this.forwarder.reroute(); }));
    this.forwarder.reroute();
  }

  get address(): string {
    return this.d.layer.address;
  }

  /** Signs, stores and queues a message; resolves once it is on disk. */
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
    store.data.sent[entry.id] = entry;
    store.data.outbox[`msg:${entry.id}`] = { kind: 'msg', frame: b64(frame), dest: to, since: layer.clock.wallMs(), from: null };
    if (to === this.address) this.receive(this.address, frame); // a note to self takes the same path
    await store.save();
    this.counters.add('sent');
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
    if (Buffer.from(p.to).equals(this.d.layer.identity.addressBytes)) {
      if (p.kind === 'msg') {
        if (data.inbox[id]) return this.duplicate(peer, p);
        const text = decodeText(p.coding, p.body);
        if (text === null) return this.drop('sms-bad-text');
        this.deliver(p, id, text);
      } else {
        const r = applyReceipt(data, p, id);
        if (!r.ok) return r.reason === 'wrong-signer' ? this.drop('sms-receipt-wrong-signer') : this.duplicate(peer, p);
        this.forwarder.forget(`msg:${id}`);
        this.counters.add('receipts');
        this.d.onReceipt?.(r.entry);
      }
      if (peer === this.address) { delete data.outbox[key]; return; }
      return this.persistThenAck(peer, p, () => this.forwarder.pump()); // the receipt goes at once
    }
    // A relay keeps one copy at a time; a parcel it handed on comes back only through a detour.
    if (data.outbox[key] || (this.handedOff.has(key) && this.handedOff.get(key) === peer)) return this.duplicate(peer, p);
    data.outbox[key] = { kind: p.kind, frame: b64(bytes), dest: base32Encode(p.to), since: this.d.layer.clock.wallMs(), from: peer };
    this.counters.add('custody');
    this.persistThenAck(peer, p, () => this.forwarder.pump());
  }

  /** Into the inbox, and a signed receipt queued back toward the sender. */
  private deliver(p: Parcel, id: string, text: string): void {
    const { layer, store } = this.d;
    const e: InboxEntry = { id, from: addressOf(p.key), text, createdAt: p.time * 1000, receivedAt: layer.clock.wallMs() };
    store.data.inbox[id] = e;
    this.counters.add('delivered');
    this.d.onDelivered?.(e);
    const rcpt = signParcel(layer.suite, layer.identity, { kind: 'rcpt', id: p.id, to: addressBytesOf(p.key), time: Math.floor(layer.clock.wallMs() / 1000), coding: 'utf8', body: new Uint8Array(0) });
    if (e.from === this.address) return void this.receive(this.address, rcpt);
    store.data.outbox[`rcpt:${id}`] = { kind: 'rcpt', frame: b64(rcpt), dest: e.from, since: layer.clock.wallMs(), from: null };
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
    void this.d.store.save();
  }

  private duplicate(peer: string, p: Parcel): void {
    this.counters.add('duplicates');
    if (peer !== this.address) this.ackNow(peer, p);
  }

  private persistThenAck(peer: string, p: Parcel, then?: () => void): void {
    this.d.store.save().then(() => { this.ackNow(peer, p); then?.(); }, () => this.drop('sms-store-failed'));
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
    void this.d.store.save();
  }

  private drop(reason: string): void {
    this.counters.add(reason);
    this.d.layer.countDrop(reason);
  }

  status(): Record<string, unknown> {
    const { data } = this.d.store;
    return { held: Object.keys(data.outbox).length, inbox: Object.keys(data.inbox).length, sent: Object.keys(data.sent).length, counters: this.counters.snapshot() };
  }

  stop(): void {
    this.forwarder.stop();
    for (const s of this.subs.splice(0)) s.unsubscribe();
  }
}
