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
  /** Data packets that arrived on this route and that we sent on: sent never exceeds arrived
   *  (the simulator's swarm checks it after every event). */
  dataIn: number;
  dataOut: number;
}

/** Where a route ends on this node: the source's route actor or a destination's conversation. */
export interface EndHandler {
  onData(body: Uint8Array, packet: Uint8Array): void;
  /** A DataDirect payload that came on the link from `linkPeer` (Conversation.receiveDirect). */
  onDirect(linkPeer: string, plain: Uint8Array): void;
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

/** Every neighbour's setups can add entries here, so the table is bounded: in all, and per
 *  neighbour (the one the setup came from), so one neighbour cannot take every slot. A setup
 *  beyond either is refused (counted route-table-full); idle entries go with the sweep. */
export interface RouteTableLimits { maxEntries: number; maxPerNeighbour: number }

/** The neighbour on the setup's side: a relay's previous hop, an end's only neighbour. */
const ownerOf = (e: RouteEntry): string => (e.kind === 'relay' ? e.prevPeer : e.peer);

export class RouteTable {
  readonly byId = new Map<number, RouteEntry>();
  /** `${prevPeer}|${prevId}` → my ID, so a retransmitted setup finds its entry. */
  readonly bySetup = new Map<string, number>();
  /** Entries by the neighbour that set them up (ownerOf). */
  private readonly perNeighbour = new Map<string, number>();
  /** Bumped on every change, so the simulator's loop check runs only when something changed. */
  version = 0;
  /** Called on every change (the simulator's loop check listens). */
  onChange: (() => void) | undefined;

  constructor(private readonly random: Random, private readonly limits: RouteTableLimits = { maxEntries: Infinity, maxPerNeighbour: Infinity }) {}

  /** Room for one more entry set up by neighbour `from`. */
  admits(from: string): boolean {
    return this.byId.size < this.limits.maxEntries && (this.perNeighbour.get(from) ?? 0) < this.limits.maxPerNeighbour;
  }

  /** Entries the neighbour `peer` set up (relayed from it, or ending here from it). */
  ownedBy(peer: string): number {
    return this.perNeighbour.get(peer) ?? 0;
  }

  allocate(): number {
    for (;;) {
      const id = this.random.int(0x1_0000_0000);
      if (id !== 0 && !this.byId.has(id)) return id;
    }
  }

  add(e: RouteEntry, setupKey?: string): void {
    const owner = ownerOf(e);
    this.perNeighbour.set(owner, (this.perNeighbour.get(owner) ?? 0) + 1);
    this.byId.set(e.myId, e);
    if (setupKey) this.bySetup.set(setupKey, e.myId);
    this.changed();
  }

  remove(id: number): RouteEntry | undefined {
    const e = this.byId.get(id);
    if (!e) return undefined;
    this.byId.delete(id);
    const owner = ownerOf(e);
    const n = (this.perNeighbour.get(owner) ?? 1) - 1;
    if (n > 0) this.perNeighbour.set(owner, n);
    else this.perNeighbour.delete(owner);
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
