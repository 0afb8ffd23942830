// Binds the link machine to sessions, carrier and clock: this is where a link meets the world.
// Data packets never pass through XState (a plain call on the hot path); the machine only sees
// lifecycle events, and reads liveness through guards when its timers fire.
import { createActor, type Actor } from 'xstate';
import { BehaviorSubject } from 'rxjs';
import type { Carrier } from '../src/env/carrier.ts';
import { linkMachine, type LinkState } from '../machines/link.ts';
import { createInit, type InitiatorState, type SessionKeys } from '../src/link/handshake.ts';
import { allocateIndex, type LinkHost } from '../src/link/link-host.ts';
import { Session } from '../src/link/session.ts';
import { LinkStats } from '../src/link/link-stats.ts';
import { encodeInner, type Inner } from '../src/wire/inner.ts';
import { InnerType, TAG_BYTES, TRANSPORT_HEADER_BYTES } from '../src/wire/constants.ts';
import { parseAddress } from '../src/identity/address.ts';
import { Proto } from '../src/overlay/link-layer.ts';
import type { SendHint } from '../src/env/carrier.ts';
import { SignedCounter, SoloWindow, sealData, sealHello, sealSolo, type Ephemeral, type SignedPeer } from '../src/radio/signed-link.ts';
import { SOLO_OVERHEAD } from '../src/radio/signed-wire.ts';

/** Radio carriers queue control (pings, topology) behind user messages. */
const payloadHint = (bytes: Uint8Array): SendHint => (bytes[0] === Proto.Topology ? 'control' : 'user');
const hintOf = (m: Inner): SendHint => (m.kind === 'payload' ? payloadHint(m.bytes) : 'control');

export class LinkActor {
  readonly peer: string;
  readonly peerBytes: Uint8Array;
  carrier: Carrier;
  endpoint: string | undefined;
  current: Session | undefined;
  private previous: Session | undefined;
  next: Session | undefined;
  /** The offer before `next`: its initiator may still confirm it (see sendInit). */
  prevNext: Session | undefined;
  pending: InitiatorState | undefined;
  /** The init before `pending`, still answerable for one retry period. */
  private prevPending: InitiatorState | undefined;
  cookie: { value: Uint8Array; at: number } | undefined;
  lastInitTimestamp = -1;
  /** Since when we have dialled without an answer (first init of this try); cleared when up. */
  dialingSince: number | undefined;
  /** The endpoint said our init was not for it, and which address it has (src/wire/misaddressed.ts). */
  misaddressed: { answeredAs: string; at: number } | undefined;
  readonly stats = new LinkStats();
  readonly state$: BehaviorSubject<LinkState>;
  private readonly actor: Actor<typeof linkMachine>;
  private rekeyRequested = false;
  /** Amateur radio (carrier.linkMode 'signed'): the peer's keys once its hello verified. */
  signedPeer: SignedPeer | undefined;
  /** Amateur mode: the peer's solo frames seen (replays dropped); kept across hellos. */
  readonly soloIn = new SoloWindow();
  private readonly signedCounter = new SignedCounter();
  private radioEphemeral: Ephemeral | undefined;
  /** When we last asked this peer for its keys after a frame we could not check (signed-dispatch). */
  nackAt = -Infinity;
  /** Made for a peer that called us unconfigured: answers, never dials (src/node/unknown-peers.ts). */
  responderOnly: boolean;

  constructor(private readonly host: LinkHost, peer: string, carrier: Carrier, endpoint: string | undefined, opts?: { responderOnly?: boolean }) {
    this.peer = peer;
    this.responderOnly = opts?.responderOnly ?? false;
    this.peerBytes = parseAddress(peer, 'peer address');
    this.carrier = carrier;
    this.endpoint = endpoint;
    this.state$ = new BehaviorSubject<LinkState>('idle');
    // A slow carrier (radio) scales the timers; others leave the node's config untouched.
    const c = carrier.linkTimers ? { ...host.config, ...carrier.linkTimers } : host.config;
    const logic = linkMachine.provide({
      guards: {
        canInitiate: () => this.endpoint !== undefined && !this.responderOnly,
        peerDead: () => host.clock.now() - this.stats.lastRx > c.deadAfterMs,
        rekeyDue: () => this.rekeyDue(),
      },
      actions: {
        sendInit: () => this.sendInit(),
        tick: () => this.ping(),
        dropSessions: () => this.dropSessions(),
      },
      delays: {
        // On a shared radio channel every node starts at once: jitter keeps their retries from
        // colliding again and again. Other carriers keep the fixed retry (and their traces).
        handshakeRetry: carrier.linkTimers ? () => Math.round(c.handshakeRetryMs * (0.5 + host.random.float())) : c.handshakeRetryMs,
        keepalive: c.keepaliveMs,
        // Jitter from the node's Random keeps restarts of many nodes from synchronising.
        backoff: ({ context }) => {
          const base = Math.min(c.backoffMaxMs, c.backoffBaseMs * 2 ** Math.max(0, context.failures - 1));
          return Math.round(base * (0.8 + 0.4 * host.random.float()));
        },
      },
    });
    this.actor = createActor(logic, { clock: host.clock, input: { maxAttempts: c.handshakeAttempts } });
    this.actor.subscribe((snap) => {
      const to = snap.value as LinkState;
      const from = this.state$.value;
      if (to !== from) {
        this.state$.next(to);
        host.linkChanged(this.peer, from, to);
      }
    });
  }

  get state(): LinkState {
    return this.state$.value;
  }

  /** Handshake attempts in the current try (the machine's context). */
  get attempts(): number {
    return this.actor.getSnapshot().context.attempts;
  }

  start(): void {
    this.actor.start();
    this.actor.send({ type: 'LINK.START' });
  }

  stop(): void {
    this.actor.send({ type: 'LINK.STOP' });
    this.actor.stop();
    this.dropSessions(); // also when the actor never started: the indexes must not outlive it
    this.state$.complete();
  }

  /** Sends one inner message; false when there is no session to send it with. */
  send(inner: Inner): boolean {
    if (this.carrier.linkMode === 'signed') return this.sendSigned(inner);
    const s = this.current;
    if (!s || !s.confirmed || this.endpoint === undefined) return false;
    const body = encodeInner(inner);
    const buf = new Uint8Array(TRANSPORT_HEADER_BYTES + body.length + TAG_BYTES);
    buf.set(body, TRANSPORT_HEADER_BYTES);
    return this.transmit(s, this.endpoint, buf, TRANSPORT_HEADER_BYTES, TRANSPORT_HEADER_BYTES + body.length, hintOf(inner));
  }

  /**
   * Sends a payload that has the link's room around it (src/wire/packet.ts: LINK_HEADROOM
   * before, a tag's 16 bytes after, owned by the caller): the inner type byte, the header and
   * the tag are written there and the payload is sealed in place. No copy.
   */
  sendPayloadInPlace(payload: Uint8Array): boolean {
    if (this.carrier.linkMode === 'signed') return this.sendSigned({ kind: 'payload', bytes: payload });
    const s = this.current;
    if (!s || !s.confirmed || this.endpoint === undefined) return false;
    const buf = new Uint8Array(payload.buffer);
    const start = payload.byteOffset - 1; // the inner type byte
    buf[start] = InnerType.Payload;
    return this.transmit(s, this.endpoint, buf, start, payload.byteOffset + payload.length, payloadHint(payload));
  }

  /** Seals buf[start, end) in place (header before it, tag after it) and sends it. */
  private transmit(s: Session, endpoint: string, buf: Uint8Array, start: number, end: number, hint: SendHint): boolean {
    if (!s.sealPacket(buf, start, end)) return false;
    const packet = buf.subarray(start - TRANSPORT_HEADER_BYTES, end + TAG_BYTES);
    this.stats.bytesOut += packet.length;
    this.stats.packetsOut++;
    this.carrier.send(endpoint, packet, hint);
    if (!this.rekeyRequested && s.sent >= this.host.config.rekeyAfterPackets) {
      this.rekeyRequested = true;
      this.actor.send({ type: 'LINK.REKEY_NEEDED' });
    }
    return true;
  }

  /** Any authenticated packet: liveness, and roaming to the endpoint it came from. */
  touched(from: string, carrier: Carrier, bytes: number): void {
    this.stats.lastRx = this.host.clock.now();
    this.stats.bytesIn += bytes;
    this.stats.packetsIn++;
    this.endpoint = from;
    this.carrier = carrier;
  }

  /** A new session is ready: the initiator's on HandshakeResp, a responder's on confirmation. */
  installSession(keys: SessionKeys, session?: Session): Session {
    const s = session ?? new Session(keys, this.host.clock.now());
    if (this.previous) this.host.indexes.delete(this.previous.keys.localIndex);
    this.previous = this.current;
    this.current = s;
    this.host.indexes.set(keys.localIndex, { link: this, session: s });
    for (const p of [this.pending, this.prevPending]) if (p && p.senderIndex !== keys.localIndex) this.host.indexes.delete(p.senderIndex);
    this.pending = this.prevPending = undefined;
    this.dialingSince = this.misaddressed = undefined;
    this.rekeyRequested = false;
    this.stats.handshakes++;
    this.stats.lastHandshakeAt = this.host.clock.wallMs();
    this.stats.lastRx = this.host.clock.now();
    this.host.trace.emit({ t: this.host.clock.now(), node: this.host.name, ev: 'link.session', peer: this.peer, initiator: keys.initiator });
    this.actor.send({ type: 'LINK.HANDSHAKE_DONE' });
    return s;
  }

  /** A responder's session waits in `next` until the initiator's first packet confirms it. */
  offerSession(keys: SessionKeys): void {
    if (this.prevNext) this.host.indexes.delete(this.prevNext.keys.localIndex);
    this.prevNext = this.next;
    this.next = new Session(keys, this.host.clock.now());
    this.host.indexes.set(keys.localIndex, { link: this, session: this.next });
  }

  confirm(session: Session): void {
    if (session !== this.next && session !== this.prevNext) return;
    const other = session === this.next ? this.prevNext : this.next;
    if (other) this.host.indexes.delete(other.keys.localIndex);
    this.next = this.prevNext = undefined;
    this.installSession(session.keys, session);
  }

  /** The handshake state an answer to `index` belongs to: the latest init or the one before. */
  pendingFor(index: number): InitiatorState | undefined {
    if (this.pending?.senderIndex === index) return this.pending;
    return this.prevPending?.senderIndex === index ? this.prevPending : undefined;
  }

  sendInit(): void {
    if (this.endpoint === undefined) return;
    if (this.carrier.linkMode === 'signed') return this.sendHello(true);
    // The previous init stays answerable until the next retry: on a loaded peer (or a loaded
    // us) the answer can take longer than the retry timer, and forgetting it turned slowness
    // into endless retries (300 nodes joining one master: 21 s, then 13).
    if (this.prevPending) this.host.indexes.delete(this.prevPending.senderIndex);
    this.prevPending = this.pending;
    const index = allocateIndex(this.host, { link: this });
    const cookie = this.cookie && this.host.clock.now() - this.cookie.at < 110_000 ? this.cookie.value : undefined;
    this.pending = createInit(this.host.hs, {
      responder: this.peerBytes, senderIndex: index, ephemeralSecret: this.host.random.bytes(32), timestamp: this.host.clock.wallMs(), cookie,
    });
    this.stats.bytesOut += this.pending.bytes.length;
    this.dialingSince ??= this.host.clock.now();
    this.carrier.send(this.endpoint, this.pending.bytes);
  }

  isRacing(): boolean {
    return (this.state === 'handshaking' || this.state === 'rekeying') && this.pending !== undefined;
  }

  /** Amateur mode: our key, signed; `ask` when we have not verified the peer's yet. */
  /** `answer`: ahead of user frames on a radio, for a peer that shows it cannot check ours
   *  (src/radio/signed-dispatch.ts). Not for every answer to an ask: when both sides dial at
   *  once the peer most likely has our hello already, and on real modems an answer first
   *  delayed the first SMS by its airtime (1-hop inbox 6.5-10.0 s -> 9.3-10.7 s). */
  sendHello(ask: boolean, answer = false): void {
    if (this.endpoint === undefined) return;
    const bytes = sealHello(this.host.hs, this.signedCounter.next(this.host.clock.wallMs()), ask, this.carrier.local, this.ephemeral());
    this.stats.bytesOut += bytes.length;
    this.carrier.send(this.endpoint, bytes, answer ? 'answer' : undefined);
  }

  /** Amateur mode: our X25519 key for this link until it goes down (then a fresh one). */
  ephemeral(): Ephemeral {
    if (!this.radioEphemeral) {
      const secret = this.host.random.bytes(32);
      this.radioEphemeral = { secret, publicKey: this.host.hs.suite.x25519Public(secret) };
    }
    return this.radioEphemeral;
  }

  /** Amateur mode: the peer's hello verified; this stands in for a session. */
  acceptHello(peer: SignedPeer): void {
    const fresh = this.signedPeer !== peer;
    this.signedPeer = peer;
    this.stats.lastRx = this.host.clock.now();
    if (!fresh) return;
    this.stats.handshakes++;
    this.stats.lastHandshakeAt = this.host.clock.wallMs();
    this.host.trace.emit({ t: this.host.clock.now(), node: this.host.name, ev: 'link.session', peer: this.peer, initiator: false, signed: true });
    this.actor.send({ type: 'LINK.HANDSHAKE_DONE' });
  }

  private sendSigned(inner: Inner): boolean {
    if (this.endpoint === undefined) return false;
    // Keys from before the link went down may no longer be the peer's (it restarted): a frame
    // tagged with them would be dropped as bad-tag, so until the link is up again, solo.
    if (!this.signedPeer || (this.state !== 'up' && this.state !== 'rekeying')) return this.sendSolo(inner);
    const packet = sealData(this.signedPeer.txKey, this.signedCounter.next(this.host.clock.wallMs()), encodeInner(inner), this.carrier.local, this.endpoint);
    this.stats.bytesOut += packet.length;
    this.stats.packetsOut++;
    this.carrier.send(this.endpoint, packet, hintOf(inner));
    return true;
  }

  /** Amateur mode before the peer's hello: an SMS parcel or custody ack goes out as a solo
   *  frame (key and signature inside, src/radio/signed-wire.ts) instead of waiting for the
   *  hellos. Nothing else does: the rest can wait, and solo frames cost 80 bytes more. */
  private sendSolo(inner: Inner): boolean {
    if (inner.kind !== 'payload' || inner.bytes[0] !== Proto.Sms || this.endpoint === undefined) return false;
    const body = encodeInner(inner);
    if (body.length + SOLO_OVERHEAD > this.carrier.mtu) return false;
    const packet = sealSolo(this.host.hs, this.signedCounter.next(this.host.clock.wallMs()), body, this.carrier.local, this.endpoint);
    this.stats.bytesOut += packet.length;
    this.stats.packetsOut++;
    this.stats.soloOut++;
    this.carrier.send(this.endpoint, packet, 'solo');
    return true;
  }

  private ping(): void {
    const now = this.host.clock.now();
    if (!this.send({ kind: 'ping', id: this.stats.nextPing(now), sentAt: now })) return;
  }

  private rekeyDue(): boolean {
    const s = this.current;
    if (!s || this.signedPeer) return false;
    const age = this.host.clock.now() - s.createdAt;
    // The session's initiator rekeys first; the responder steps in only if that never happens.
    const due = s.keys.initiator ? this.host.config.rekeyAfterMs : this.host.config.rekeyAfterMs + 4 * this.host.config.keepaliveMs;
    return age >= due && this.endpoint !== undefined;
  }

  private dropSessions(): void {
    for (const s of [this.previous, this.current, this.next, this.prevNext]) if (s) this.host.indexes.delete(s.keys.localIndex);
    for (const p of [this.pending, this.prevPending]) if (p) this.host.indexes.delete(p.senderIndex);
    this.previous = this.current = this.next = this.prevNext = this.pending = this.prevPending = undefined;
    this.signedPeer = this.radioEphemeral = undefined;
  }
}
