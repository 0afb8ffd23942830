// One end-to-end conversation between two nodes: the session keys and where to send. A route
// repair rebinds it to a new path and new keys; the layer above (streams) never notices beyond
// a pause, and retransmits what was lost meanwhile.
import { Subject } from 'rxjs';
import { Session } from '../link/session.ts';
import type { SessionKeys } from '../link/handshake.ts';
import { TAG_BYTES, TRANSPORT_OVERHEAD } from '../wire/constants.ts';
import { E2E_HEADROOM, packetFor } from '../wire/packet.ts';
import { decodeTransportHeader } from '../wire/transport.ts';
import { neighbourOf, type LinkLayer } from '../overlay/link-layer.ts';
import { encodeHeader, ROUTE_HEADER_BYTES, RouteMsg } from './route-wire.ts';

const MAX_PENDING = 32;

/** First byte of end-to-end plaintexts the conversation answers itself; streams use 0x01-0xEF. */
export const E2eKind = { Ping: 0xf0, Pong: 0xf1 } as const;

/** The layer above: the stream multiplexer, or a test. */
export interface ConvUpper {
  receive(bytes: Uint8Array): void;
  setMtu(mtu: number): void;
  fail(code: 'unreachable' | 'reset' | 'forbidden'): void;
}

/** From this path MTU up, every link on the path is loopback or a jumbo-frame LAN. */
export const JUMBO_PATH_MTU = 4000;

/** Largest end-to-end payload on a path: room for the route header and the end-to-end seal.
 *  Ordinary paths stay at 1400 so an end-to-end packet also fits an internet path with tunnel
 *  headers; a path whose every link allows jumbo datagrams uses them (fewer, larger packets:
 *  the per-packet cost of AEAD and dgram dominates, see bench/throughput). */
export const convMtu = (pathMtu: number): number =>
  (pathMtu >= JUMBO_PATH_MTU ? pathMtu : Math.min(pathMtu, 1400)) - ROUTE_HEADER_BYTES - TRANSPORT_OVERHEAD;

export class Conversation {
  session: Session | undefined;
  private old: Session | undefined;
  private out: { peer: string; remoteId: number } | undefined;
  upper: ConvUpper | undefined;
  lastRx: number;
  lastTx: number;
  /** Newest end-to-end init timestamp accepted, so a replayed setup cannot rebind us. */
  lastTimestamp = -1;
  readonly dropped = { noRoute: 0, badTag: 0 };
  private readonly pending: Uint8Array[] = [];
  readonly pongs = new Subject<{ id: number; rttMs: number }>();

  constructor(private readonly layer: LinkLayer, readonly peer: string, readonly convId: string, readonly initiator: boolean) {
    this.lastRx = this.lastTx = layer.clock.now();
  }

  get bound(): boolean {
    return this.session !== undefined && this.out !== undefined;
  }

  /** pathMtu: the smallest link MTU on the path, from the setup; without it, the first hop's. */
  bind(keys: SessionKeys, out: { peer: string; remoteId: number }, pathMtu?: number): void {
    this.old = this.session;
    this.session = new Session(keys, this.layer.clock.now());
    this.out = out;
    const n = neighbourOf(this.layer, out.peer);
    this.upper?.setMtu(convMtu(pathMtu || (n?.payloadMtu ?? 1200)));
    for (const p of this.pending.splice(0)) this.sendPacket(p);
  }

  unbind(): void {
    this.out = undefined;
  }

  /** Seals and sends one end-to-end payload (empty = keepalive). False when not routed now. */
  send(plain: Uint8Array): boolean {
    const p = packetFor(plain.length);
    p.set(plain);
    return this.sendPacket(p);
  }

  /** The same without a copy: `plain` was made by packetFor (src/wire/packet.ts) and is given
   *  away; the end-to-end header, the route header and the link's go in front of it. */
  sendPacket(plain: Uint8Array): boolean {
    if (!this.session || !this.out) {
      // Held while the route is set up or repaired, so a dial's first segments need not wait
      // for a retransmit timer; beyond a few, the streams' own retransmission takes over.
      if (this.pending.length < MAX_PENDING && plain.length > 0) {
        this.pending.push(plain);
        return true;
      }
      this.dropped.noRoute++;
      return false;
    }
    const buf = new Uint8Array(plain.buffer);
    const start = plain.byteOffset;
    const end = start + plain.length;
    if (this.out.peer === this.peer) {
      // A route of one hop: the next hop is the other end, and the link to it already seals the
      // packet under keys only the two of us hold, so the end-to-end seal would add a second
      // ChaCha20-Poly1305 pass and 30 bytes for nothing (docs/SECURITY.md, "One-hop routes").
      this.lastTx = this.layer.clock.now();
      const routed = buf.subarray(start - ROUTE_HEADER_BYTES, end);
      encodeHeader(routed, RouteMsg.DataDirect, this.out.remoteId);
      return this.layer.sendPacket(this.out.peer, routed);
    }
    if (!this.session.sealPacket(buf, start, end)) return false;
    this.lastTx = this.layer.clock.now();
    const routed = buf.subarray(start - E2E_HEADROOM, end + TAG_BYTES);
    encodeHeader(routed, RouteMsg.Data, this.out.remoteId);
    return this.layer.sendPacket(this.out.peer, routed);
  }

  receive(body: Uint8Array): void {
    const h = decodeTransportHeader(body);
    if (!h.ok) return this.layer.countDrop(`e2e-${h.reason}`);
    const s = this.session?.keys.localIndex === h.value.receiverIndex ? this.session : this.old?.keys.localIndex === h.value.receiverIndex ? this.old : undefined;
    if (!s) return this.layer.countDrop('e2e-unknown-index');
    const plain = s.open(body, h.value.counter);
    if (typeof plain === 'string') {
      if (plain === 'bad-tag') this.dropped.badTag++;
      return this.layer.countDrop(`e2e-${plain}`);
    }
    this.lastRx = this.layer.clock.now();
    this.deliver(plain);
  }

  /**
   * A DataDirect packet: a plaintext the link from `linkPeer` opened. Taken only when that link's
   * peer is this conversation's other end (so no relay saw or made it) and the conversation is
   * keyed (its setup, with the membership check, is done); else dropped and counted.
   */
  receiveDirect(linkPeer: string, plain: Uint8Array): void {
    if (linkPeer !== this.peer || !this.session) return this.layer.countDrop('e2e-direct-not-from-peer');
    this.lastRx = this.layer.clock.now();
    this.deliver(plain);
  }

  private deliver(plain: Uint8Array): void {
    if (plain.length === 0) return;
    if (plain[0] === E2eKind.Ping && plain.length === 9) return void this.send(Uint8Array.of(E2eKind.Pong, ...plain.subarray(1)));
    if (plain[0] === E2eKind.Pong && plain.length === 9) return this.onPong(plain);
    this.upper?.receive(plain);
  }

  /** An end-to-end echo, for `skywire ping`: resolves the RTT, or null if it was not sent. */
  ping(id: number): boolean {
    const b = new Uint8Array(9);
    b[0] = E2eKind.Ping;
    const v = new DataView(b.buffer);
    v.setUint32(1, id);
    v.setUint32(5, this.layer.clock.now() >>> 0);
    return this.send(b);
  }

  private onPong(b: Uint8Array): void {
    const v = new DataView(b.buffer, b.byteOffset);
    const rtt = ((this.layer.clock.now() >>> 0) - v.getUint32(5)) >>> 0;
    this.pongs.next({ id: v.getUint32(1), rttMs: rtt });
  }
}
