// The conversations other nodes set up to this one, by (peer, conversation ID). Anyone with a
// route here can pick new IDs, so the table is bounded (10,000 setups and closes once left
// 10,000 conversations and muxes behind, +70 MB):
// - closed (the source sent Close) or evicted: removed at once, with the layer above told;
// - unbound (its route broke or was swept) and silent for longer than a source keeps
//   repairing: removed by the sweep (the source has given up; a repair rebinds before that);
// - at `maxInbound`, a new one evicts the conversation idle longest, if it has been idle for
//   two keepalive periods (a live one hears a keepalive every period); otherwise the newcomer
//   is refused.
import { encodeClose } from './route-wire.ts';
import type { LinkLayer } from '../overlay/link-layer.ts';
import { Conversation } from './conversation.ts';
import type { EndEntry, RouteTable } from './route-table.ts';

interface Slot { key: string; conv: Conversation; entry?: EndEntry }

export interface InboundLimits {
  maxInbound: number;
  keepaliveMs: number;
  repairTimeoutMs: number;
}

export class InboundConversations {
  private readonly slots = new Map<string, Slot>();
  private readonly byConv = new Map<Conversation, Slot>();
  /** By the ID of the route end serving it now. */
  private readonly byEntry = new Map<number, Slot>();
  /** Refuses a setup: acceptSetup drops any init not newer than this (as a stale one). */
  private readonly refusal: Conversation;

  constructor(
    private readonly layer: LinkLayer,
    private readonly table: RouteTable,
    private readonly limits: InboundLimits,
    private readonly attach: (conv: Conversation) => void,
    private readonly release: (conv: Conversation) => void,
  ) {
    this.refusal = new Conversation(layer, layer.address, 'refused', false);
    this.refusal.lastTimestamp = Infinity;
  }

  get size(): number {
    return this.slots.size;
  }

  has(conv: Conversation): boolean {
    return this.byConv.has(conv);
  }

  /** The conversation for (peer, convId), made on first contact (bounded, see above). */
  open(peer: string, convId: string): Conversation {
    const key = `${peer}|${convId}`;
    const held = this.slots.get(key);
    if (held) return held.conv;
    if (this.slots.size >= this.limits.maxInbound && !this.evictIdlest()) {
      this.layer.countDrop('route-conv-full');
      return this.refusal;
    }
    const slot: Slot = { key, conv: new Conversation(this.layer, peer, convId, false) };
    this.slots.set(key, slot);
    this.byConv.set(slot.conv, slot);
    this.attach(slot.conv);
    return slot.conv;
  }

  /** A route end now serves `conv` (first setup or a repair): the older one is forgotten. */
  rebound(conv: Conversation, entry: EndEntry): void {
    const slot = this.byConv.get(conv);
    if (!slot) return;
    if (slot.entry && slot.entry.myId !== entry.myId) {
      this.table.remove(slot.entry.myId);
      this.byEntry.delete(slot.entry.myId);
    }
    slot.entry = entry;
    this.byEntry.set(entry.myId, slot);
  }

  /** The source closed the route `myId`: its conversation goes too, if that was its route. */
  closed(myId: number): void {
    const slot = this.byEntry.get(myId);
    if (slot) this.remove(slot);
  }

  /** Unbound and silent longer than a source keeps repairing: the source has given up. */
  sweep(now: number): void {
    const graceMs = this.limits.repairTimeoutMs + 8 * this.limits.keepaliveMs;
    for (const slot of [...this.slots.values()]) {
      if (!slot.conv.bound && now - slot.conv.lastRx > graceMs) this.remove(slot);
    }
  }

  /** `peer` left the fleet: its conversations end now, with 'forbidden'. */
  evictPeer(peer: string): number {
    let n = 0;
    for (const slot of [...this.slots.values()]) {
      if (slot.conv.peer !== peer) continue;
      // Told, so its stream fails now rather than at its next keepalive.
      if (slot.entry && slot.entry.remoteId !== 0) this.layer.sendTo(slot.entry.peer, encodeClose(slot.entry.remoteId));
      this.remove(slot, 'forbidden');
      n++;
    }
    return n;
  }

  private evictIdlest(): boolean {
    let idlest: Slot | undefined;
    for (const s of this.slots.values()) if (!idlest || s.conv.lastRx < idlest.conv.lastRx) idlest = s;
    if (!idlest || this.layer.clock.now() - idlest.conv.lastRx < 2 * this.limits.keepaliveMs) return false;
    this.layer.countDrop('route-conv-evicted');
    this.remove(idlest);
    return true;
  }

  private remove(slot: Slot, code: 'reset' | 'forbidden' = 'reset'): void {
    this.slots.delete(slot.key);
    this.byConv.delete(slot.conv);
    if (slot.entry) {
      this.byEntry.delete(slot.entry.myId);
      this.table.remove(slot.entry.myId);
    }
    slot.conv.unbind();
    slot.conv.upper?.fail(code);
    this.release(slot.conv);
  }
}
