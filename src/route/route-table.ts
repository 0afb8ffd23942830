// The forwarding state of one node: every route ID it allocated, for relays and endpoints.
// A relay entry maps (prev link, my ID) → (next link, next ID) and back; a packet's in-link
// picks the direction. IDs are unique per node, so one map keyed by ID is the whole table.
import type { Random } from '../env/random.ts';

export interface RelayEntry {
  kind: 'relay';
  myId: number;
  prevPeer: string;
  prevId: number;
  nextPeer: string;
  /** Learned from the setup ack; 0 until then (data cannot flow before). */
  nextId: number;
  hopKey: Uint8Array;
  /** The setup as forwarded, resent verbatim when the source retransmits. */
  forwarded: Uint8Array;
  lastUsed: number;
}

/** Where a route ends on this node: the source's route actor or a destination's conversation. */
export interface EndHandler {
  onData(body: Uint8Array, packet: Uint8Array): void;
  onAck?(senderId: number, sealed: Uint8Array, pathMtu: number): void;
  onBroken(sealed: Uint8Array): void;
  onClose(): void;
}

export interface EndEntry {
  kind: 'end';
  myId: number;
  peer: string;
  /** The neighbour's ID for this route; 0 until a source learns it from the ack. */
  remoteId: number;
  handler: EndHandler;
  lastUsed: number;
  /** A destination keeps its ack to answer a retransmitted setup. */
  ack?: Uint8Array;
  /** The neighbour's sender ID in the setup, to recognise a retransmission. */
  setupKey?: string;
}

export type RouteEntry = RelayEntry | EndEntry;

export class RouteTable {
  readonly byId = new Map<number, RouteEntry>();
  /** `${prevPeer}|${prevId}` → my ID, so a retransmitted setup finds its entry. */
  readonly bySetup = new Map<string, number>();
  /** Bumped on every change, so the simulator's loop check runs only when something changed. */
  version = 0;
  /** Called on every change (the simulator's loop check listens). */
  onChange: (() => void) | undefined;

  constructor(private readonly random: Random) {}

  allocate(): number {
    for (;;) {
      const id = this.random.int(0x1_0000_0000);
      if (id !== 0 && !this.byId.has(id)) return id;
    }
  }

  add(e: RouteEntry, setupKey?: string): void {
    this.byId.set(e.myId, e);
    if (setupKey) this.bySetup.set(setupKey, e.myId);
    this.changed();
  }

  remove(id: number): RouteEntry | undefined {
    const e = this.byId.get(id);
    if (!e) return undefined;
    this.byId.delete(id);
    if (e.kind === 'relay') this.bySetup.delete(`${e.prevPeer}|${e.prevId}`);
    else if (e.setupKey) this.bySetup.delete(e.setupKey);
    this.changed();
    return e;
  }

  changed(): void {
    this.version++;
    this.onChange?.();
  }

  /** Entries that use the link to `peer`, for when that link goes down. */
  using(peer: string): RouteEntry[] {
    const out: RouteEntry[] = [];
    for (const e of this.byId.values()) {
      if (e.kind === 'relay' ? e.prevPeer === peer || e.nextPeer === peer : e.peer === peer) out.push(e);
    }
    return out;
  }

  /** Entries idle longer than `idleMs`: routes whose endpoints stopped sending keepalives. */
  idle(now: number, idleMs: number): RouteEntry[] {
    return [...this.byId.values()].filter((e) => now - e.lastUsed > idleMs);
  }
}
