// Links a source has seen break, kept out of its path search for a while: the topology learns
// of a dead link only after dead-peer detection and a flood, and a repair should not wait.
// An avoided link comes back early once both its ends have signed newer records that claim it
// again (a restarted neighbour relinked): otherwise a route to a node that merely rebooted
// would sit in repair for the whole avoid period.
export const edgeKey = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`);

/** What the avoid set needs of the topology: each node's newest record. */
export interface RecordView {
  record?(origin: string): { seq: number; links: readonly { peer: string }[] } | undefined;
}

interface Entry { a: string; b: string; until: number; seqA: number; seqB: number }

export class AvoidSet {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly forMs: number, private readonly view: RecordView = {}) {}

  add(a: string, b: string, now: number): void {
    const seq = (x: string): number => this.view.record?.(x)?.seq ?? -1;
    this.entries.set(edgeKey(a, b), { a, b, until: now + this.forMs, seqA: seq(a), seqB: seq(b) });
  }

  /** The link to `peer` came up again: our side of it is evidently alive. */
  forgetLink(self: string, peer: string): void {
    this.entries.delete(edgeKey(self, peer));
  }

  edges(now: number): ReadonlySet<string> {
    for (const [k, e] of this.entries) if (e.until <= now || this.reannounced(e)) this.entries.delete(k);
    return new Set(this.entries.keys());
  }

  private reannounced(e: Entry): boolean {
    const ra = this.view.record?.(e.a);
    const rb = this.view.record?.(e.b);
    if (!ra || !rb || ra.seq <= e.seqA || rb.seq <= e.seqB) return false;
    return ra.links.some((l) => l.peer === e.b) && rb.links.some((l) => l.peer === e.a);
  }
}
