// Parsed and verified records remembered across the nodes of one process (the simulator runs
// hundreds). A record is a pure function of its bytes: the same bytes always parse to the same
// fields and pass or fail the same signature check, so every node that meets a copy can take
// the first node's result, and share the object (records are read-only), without any change to
// what it decides. A real node has one identity per process and leaves this unset.
import type { LinkRecord } from './link-record.ts';

interface Memo { record: LinkRecord; verified: boolean | undefined }

/** The last 6 bytes (of the signature): an index only; entries are compared byte for byte. */
const tailIndex = (b: Uint8Array): number => {
  const n = b.length;
  return b[n - 1]! * 2 ** 40 + b[n - 2]! * 2 ** 32 + ((b[n - 3]! << 24) >>> 0) + (b[n - 4]! << 16) + (b[n - 5]! << 8) + b[n - 6]!;
};

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

export class RecordMemo {
  private readonly memos = new Map<number, Memo[]>();
  private readonly order: number[] = [];
  private head = 0;
  size = 0;
  hits = 0;
  evicted = 0;

  /** At most `capacity` records, oldest remembered first out (a cache: a miss only costs time). */
  constructor(readonly capacity = 65_536) {}

  /** The parsed record with exactly these bytes, and whether its signature was checked good. */
  get(bytes: Uint8Array): Memo | undefined {
    if (bytes.length < 6) return undefined;
    const list = this.memos.get(tailIndex(bytes));
    if (list === undefined) return undefined;
    for (const m of list) if (sameBytes(m.record.bytes, bytes)) { this.hits++; return m; }
    return undefined;
  }

  /** Remembers a record that parsed; `verified` once its signature was checked. */
  put(record: LinkRecord, verified?: boolean): void {
    const found = this.get(record.bytes);
    if (found) {
      if (verified !== undefined) found.verified = verified;
      return;
    }
    const k = tailIndex(record.bytes);
    const list = this.memos.get(k);
    if (list) list.push({ record, verified });
    else this.memos.set(k, [{ record, verified }]);
    this.order.push(k);
    this.size++;
    if (this.size > this.capacity) this.evictOne();
  }

  private evictOne(): void {
    const k = this.order[this.head++]!;
    const list = this.memos.get(k)!;
    list.shift();
    if (list.length === 0) this.memos.delete(k);
    this.size--;
    this.evicted++;
    // Compact the FIFO once its dead front is as long as the live part.
    if (this.head > this.order.length / 2) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
  }
}
