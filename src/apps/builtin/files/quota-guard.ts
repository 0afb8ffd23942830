// The quota as one in-memory counter per data directory, shared by every stream of the app:
// committed (what clients can see: file bytes plus ENTRY_BYTES per entry) + reserved (every
// pending upload's declared size plus its entry) never exceeds the quota, and committed entries
// plus pending uploads never exceed maxEntries. Every charge is checked and added in one
// synchronous step, so two streams can never both count on the same free bytes. It is measured
// once at start-up (disk-usage.ts) and kept up to date by the operations that change the tree;
// changes made behind the app's back (an operator editing data/) are seen at the next start.
import { fail } from '../../../errors.ts';

/** What one entry (file, directory or link) costs on top of its bytes: about one inode and one
 *  block, so a client cannot make millions of empty directories or files for free. */
export const ENTRY_BYTES = 4096;

export interface UsageSnapshot {
  usedBytes: number; committedBytes: number; reservedBytes: number; quotaBytes: number;
  entries: number; maxEntries: number;
}

const fix = 'delete files or partial uploads (skywire fs rm, skywire fs rm-partial), or raise quotaBytes in config/files.json';

export class QuotaGuard {
  private committed = 0;
  private reserved = 0;
  private entries = 0;
  private pending = 0;

  constructor(readonly quotaBytes: number, readonly maxEntries: number, start: { bytes: number; entries: number }) {
    this.committed = start.bytes;
    this.entries = start.entries;
  }

  private check(bytes: number, entries: number, what: string): void {
    const used = this.committed + this.reserved;
    if (used + bytes > this.quotaBytes) {
      fail('QUOTA_EXCEEDED', `${what} needs ${bytes} bytes but ${used} of the ${this.quotaBytes} byte quota are used (partial uploads included); ${fix}`);
    }
    if (this.entries + this.pending + entries > this.maxEntries) {
      fail('QUOTA_EXCEEDED', `${what} would make more than ${this.maxEntries} entries (files, directories and pending uploads); delete some, or raise maxEntries in config/files.json`);
    }
  }

  /** A pending upload of `size` bytes: its whole declared size is held from begin on. `force`
   *  for partials found at start-up, which are on the disk whether they fit or not. */
  reserveUpload(size: number, what: string, force = false): void {
    if (!force) this.check(size + ENTRY_BYTES, 1, what);
    this.reserved += size + ENTRY_BYTES;
    this.pending += 1;
  }

  /** A pending upload ended without becoming a file (removed, expired, evicted, failed). */
  releaseUpload(size: number): void {
    this.reserved -= size + ENTRY_BYTES;
    this.pending -= 1;
  }

  /** A pending upload became a file, replacing an entry that cost `replaced` (null: none). */
  commitUpload(size: number, replaced: number | null): void {
    this.releaseUpload(size);
    this.committed += size + ENTRY_BYTES - (replaced ?? 0);
    if (replaced === null) this.entries += 1;
  }

  /** Refuses at once when not even one more entry fits, so a flood of mkdirs against a full
   *  quota costs no file system work at all. */
  checkEntry(what: string): void {
    this.check(ENTRY_BYTES, 1, what);
  }

  /** A new directory (or other entry without bytes); undo with removeEntry(0). */
  addEntry(what: string): void {
    this.check(ENTRY_BYTES, 1, what);
    this.committed += ENTRY_BYTES;
    this.entries += 1;
  }

  /** An entry with `bytes` bytes of content was deleted. */
  removeEntry(bytes: number): void {
    this.committed -= bytes + ENTRY_BYTES;
    this.entries -= 1;
  }

  snapshot(): UsageSnapshot {
    return {
      usedBytes: this.committed + this.reserved, committedBytes: this.committed, reservedBytes: this.reserved,
      quotaBytes: this.quotaBytes, entries: this.entries, maxEntries: this.maxEntries,
    };
  }
}
