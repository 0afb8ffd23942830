// One conversation's streams and datagrams, sans-IO: bytes in through receive(), bytes out
// through deps.send(), over a pipe that may lose, duplicate and reorder. A segment for a stream
// we do not hold is answered with a RST, unless it is a SYN that a listener takes.
import { checkMtu, type ConversationDeps } from './conversation-deps.ts';
import { decodeDatagram, encodeDatagram } from './datagram.ts';
import { PacketSlab } from '../wire/packet.ts';
import { decodeSegment, encodeRst, encodeSegment } from './segment.ts';
import { withStreamDefaults, type StreamConfig } from './stream-config.ts';
import { StreamCore, type StreamRole } from './stream-core.ts';
import type { StreamErrorCode } from './stream-error.ts';
import { StreamIds } from './stream-ids.ts';
import { DATAGRAM_HEADER_BYTES, Flag, SEGMENT_HEADER_BYTES, StreamKind } from './stream-wire.ts';

export type { ConversationDeps } from './conversation-deps.ts';

export class Conversation {
  readonly streams = new Map<number, StreamCore>();
  readonly drops: Record<string, number> = {};
  readonly config: StreamConfig;
  private mtu: number;
  private readonly ids: StreamIds;
  private closed = false;
  /** Every outgoing message is cut from here (src/wire/packet.ts). */
  private readonly slab = new PacketSlab();

  constructor(private readonly deps: ConversationDeps) {
    this.config = withStreamDefaults(deps.config);
    this.mtu = checkMtu(deps.mtu);
    this.ids = new StreamIds(deps.random, deps.initiator);
  }

  /** Opens a stream to `port`; `attach` runs before the SYN goes out. */
  dial(port: number, attach?: (core: StreamCore) => void): StreamCore {
    const core = this.core(this.ids.take((id) => this.streams.has(id)), 'dialer', port);
    attach?.(core);
    if (this.closed) core.fail('reset');
    else {
      this.streams.set(core.id, core);
      core.open();
    }
    return core;
  }

  /** One message from the peer. The bytes are given away: out-of-order data is kept as views
   *  into them, so the caller must not reuse the buffer. */
  receive(bytes: Uint8Array): void {
    if (this.closed) return this.drop('closed');
    if (bytes[0] === StreamKind.Datagram) {
      const d = decodeDatagram(bytes);
      if (!d.ok) return this.drop(d.reason);
      return this.deps.onDatagram?.(d.value);
    }
    const s = decodeSegment(bytes);
    if (!s.ok) return this.drop(s.reason);
    const seg = s.value;
    const known = this.streams.get(seg.id);
    if (known) return known.receive(seg);
    if (seg.flags & Flag.RST) return;
    if ((seg.flags & (Flag.SYN | Flag.ACK)) !== Flag.SYN || !this.ids.peerOpened(seg.id)) return this.rst(seg.id, 'unknown-stream');
    const take = this.deps.accept(seg.port);
    if (!take) return this.rst(seg.id, 'refused');
    const core = this.core(seg.id, 'listener', seg.port);
    this.streams.set(seg.id, core);
    core.receive(seg);
    take(core);
  }

  /** Sends a datagram; false when it does not fit the current mtu. */
  sendDatagram(srcPort: number, dstPort: number, bytes: Uint8Array): boolean {
    if (this.closed || DATAGRAM_HEADER_BYTES + bytes.length > this.mtu) return false;
    this.deps.send(encodeDatagram({ srcPort, dstPort, bytes }, this.slab.alloc));
    return true;
  }

  /** The conversation was (re)bound to a path, maybe with another mtu: buffered data is cut to
   *  it from now on, and streams stalled by the old path retransmit at once. */
  setMtu(mtu: number): void {
    this.mtu = checkMtu(mtu);
    for (const c of [...this.streams.values()]) c.pathChanged();
  }

  get maxDatagram(): number {
    return this.mtu - DATAGRAM_HEADER_BYTES;
  }

  /** The lower layer gave up (no route): every stream fails with `code`. */
  fail(code: StreamErrorCode): void {
    for (const c of [...this.streams.values()]) c.fail(code);
  }

  /** Resets every stream (peer and local side see 'reset') and ignores all further input. */
  close(): void {
    this.closed = true;
    for (const c of [...this.streams.values()]) c.reset('reset');
  }

  private core(id: number, role: StreamRole, port: number): StreamCore {
    const core: StreamCore = new StreamCore(id, role, port, {
      clock: this.deps.clock,
      config: this.config,
      mss: () => this.mtu - SEGMENT_HEADER_BYTES,
      output: (seg) => this.deps.send(encodeSegment(seg, this.slab.alloc)),
      done: () => {
        if (this.streams.get(id) === core) this.streams.delete(id);
      },
    });
    return core;
  }

  private rst(id: number, reason: string): void {
    this.drop(reason);
    this.deps.send(encodeRst(id, this.slab.alloc));
  }

  private drop(reason: string): void {
    this.drops[reason] = (this.drops[reason] ?? 0) + 1;
  }
}
