// The transmit queue: one FIFO per class, served in class order (identification, answers to a
// neighbour that showed it cannot check our frames, user messages, link setup, then control:
// keepalives and topology). Such an answer goes ahead of user frames: the neighbour missed our
// hello and drops every frame of ours until it has one (src/radio/signed-dispatch.ts). Each
// class is bounded; when full, the oldest frame of that class goes, since on a radio the newest
// state (a fresh announce, a retransmission) is worth more.
export const TxClass = Object.freeze({ Id: 0, Answer: 1, User: 2, Setup: 3, Control: 4 });
export type TxClassValue = 0 | 1 | 2 | 3 | 4;

export interface TxFrame {
  readonly cls: TxClassValue;
  /** The AX.25 frame, as handed to the TNC. */
  readonly bytes: Uint8Array;
  readonly queuedAt: number;
  /** A cold neighbour will answer this one: after it, the channel is that neighbour's turn. */
  readonly turn?: boolean | undefined;
}

export class TxQueue {
  private readonly classes: TxFrame[][] = [[], [], [], [], []];
  dropped = 0;

  constructor(private readonly perClass = 64) {}

  push(f: TxFrame): void {
    const q = this.classes[f.cls]!;
    if (q.length >= this.perClass) { q.shift(); this.dropped++; }
    q.push(f);
  }

  /** The first frame of the first non-empty class that `allowed` accepts. */
  peek(allowed: (f: TxFrame) => boolean): TxFrame | undefined {
    for (const q of this.classes) if (q.length > 0 && allowed(q[0]!)) return q[0];
    return undefined;
  }

  remove(f: TxFrame): void {
    const q = this.classes[f.cls]!;
    const i = q.indexOf(f);
    if (i >= 0) q.splice(i, 1);
  }

  get length(): number {
    let n = 0;
    for (const q of this.classes) n += q.length;
    return n;
  }

  lengthOf(cls: TxClassValue): number {
    return this.classes[cls]!.length;
  }

  clear(): void {
    for (const q of this.classes) q.length = 0;
  }
}
