// The quota for one upload: checked for the whole remaining size at begin, and measured again
// on the first chunk and every few MiB after, because uploads on other streams may have taken
// the room since. Disk use includes partial uploads, so two uploads cannot both count on it.
import { fail } from '../../../errors.ts';
import { diskUsage } from './disk-usage.ts';

const RECHECK_BYTES = 8 * 1024 * 1024;

export class QuotaGuard {
  private sinceMeasure = RECHECK_BYTES;

  constructor(private readonly rootReal: string, private readonly quotaBytes: number, private readonly rel: string) {}

  /** `need`: bytes this upload still has to add to the disk. */
  async begin(need: number): Promise<void> {
    const used = await diskUsage(this.rootReal);
    if (used + need > this.quotaBytes) {
      fail('QUOTA_EXCEEDED', `storing "${this.rel}" needs ${need} more bytes but ${used} of the ${this.quotaBytes} byte quota are used; delete files or raise quotaBytes in config/files.json`);
    }
  }

  /** Before writing a chunk of `len` bytes, with `need` bytes (this chunk included) still to come. */
  async chunk(len: number, need: number): Promise<void> {
    this.sinceMeasure += len;
    if (this.sinceMeasure < RECHECK_BYTES) return;
    this.sinceMeasure = 0;
    const used = await diskUsage(this.rootReal);
    if (used + need > this.quotaBytes) {
      fail('QUOTA_EXCEEDED', `the ${this.quotaBytes} byte quota no longer has room for the rest of "${this.rel}" (${need} bytes; ${used} used, other uploads included); delete files or raise quotaBytes in config/files.json`);
    }
  }
}
