// Links a source has seen break, kept out of its path search for a while: the topology learns
// of a dead link only after dead-peer detection and a flood, and a repair should not wait.
export const edgeKey = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`);

export class AvoidSet {
  private readonly until = new Map<string, number>();

  constructor(private readonly forMs: number) {}

  add(a: string, b: string, now: number): void {
    this.until.set(edgeKey(a, b), now + this.forMs);
  }

  edges(now: number): ReadonlySet<string> {
    for (const [k, t] of this.until) if (t <= now) this.until.delete(k);
    return new Set(this.until.keys());
  }
}
