// One upload on one stream. Its bytes go to its own partial file (partial-table.ts), a fresh
// inode created for this upload id, so no two writers ever share a file and nothing is written
// into a committed file. Only one upload may write a path at a time: a second writer gets
// FS_BUSY until the first commits, fails or its stream ends (refused rather than queued, so a
// client never hangs behind another's upload), or until the first has stalled (silent for
// writerIdleMs with nothing under way): then the new writer takes the partial over and the old
// one's next chunk is refused, since a vanished peer's stream may never end by itself on a
// receiving side that waits for nothing. Commit checks the whole SHA-256,
// fsyncs and renames over the target, so readers see the old file or the new one, never a torn
// one, and a reader holding the old file keeps reading the old bytes.
import { createHash, type Hash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, rename, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fail } from '../../../errors.ts';
import { checksumOk, type Frame } from './files-protocol.ts';
import { entryCost } from './disk-usage.ts';
import type { FilesStore } from './files-store.ts';
import type { Pending, Writer } from './partial-table.ts';
import { creatablePath, type ClientPath } from './safe-path.ts';
import { hashInto, rememberSum } from './sum-cache.ts';

const syncDir = async (dir: string): Promise<void> => {
  const fh = await open(dir, 'r');
  try { await fh.sync(); } finally { await fh.close(); }
};
const absent = (e: unknown): null => ((e as NodeJS.ErrnoException).code === 'ENOENT' ? null : Promise.reject(e) as never);

export interface BeginArgs { size: number; sha256: string; uploadId?: string | undefined }

export class Upload implements Writer {
  private readonly hash: Hash = createHash('sha256');
  private fh: FileHandle | undefined;
  private p: Pending | undefined;
  private closed = false;
  private revoked = false;
  private writing = false;
  private committing = false;

  private constructor(private readonly store: FilesStore, readonly path: ClientPath, private readonly lockKey: string) {}

  get held(): number { return this.p!.held; }
  get id(): string { return this.p!.id; }
  get busy(): boolean { return this.writing || this.committing; }

  static async begin(store: FilesStore, path: ClientPath, a: BeginArgs): Promise<Upload> {
    const target = await creatablePath(store.rootReal, path);
    if (await stat(target).then((s) => s.isDirectory(), () => false)) fail('FS_EXISTS', `"${path.rel}" is a directory; delete it first or upload to another name`);
    const table = store.partials;
    table.sweep();
    // From here to owning the partial and the path nothing is awaited: checks and claim are one step.
    const holder = store.writers.get(target);
    if (holder && !table.free(holder)) fail('FS_BUSY', `"${path.rel}" is being uploaded by another client right now; try again when that upload has finished`);
    if (holder) table.release(holder); // its writer stalled: this one takes over
    let p = a.uploadId === undefined ? undefined : table.get(a.uploadId);
    if (p && (p.rel !== path.rel || p.size !== a.size || p.sha256 !== a.sha256)) {
      fail('BAD_REQUEST', `upload id ${a.uploadId} belongs to another upload ("${p.rel}", ${p.size} bytes); use a new id, or remove it (rm-partial)`);
    }
    if (p && !table.free(p)) fail('FS_BUSY', `upload id ${a.uploadId} is being written by another stream`);
    p ??= a.uploadId === undefined ? table.idleFor(path.rel).find((x) => x.size === a.size && x.sha256 === a.sha256) : undefined;
    // Another content for the same path supersedes the old partials: they could only ever be
    // overwritten, and would hold quota until they expired.
    for (const old of table.idleFor(path.rel)) if (old !== p) table.dropSoon(old, 'superseded');
    const u = new Upload(store, path, target);
    const resumed = p !== undefined;
    if (p) {
      table.release(p);
      p.owner = u;
      p.lastActiveMs = store.wallMs();
      table.counters.resumed += 1;
    } else {
      p = table.add(a.uploadId ?? store.newUploadId(), path.rel, a.size, a.sha256, u);
    }
    u.p = p;
    store.writers.set(target, p);
    try {
      if (!resumed) await table.materialize(p);
      await u.open();
      return u;
    } catch (e) {
      await u.close();
      throw e;
    }
  }

  private async open(): Promise<void> {
    const p = this.p!;
    this.writing = true; // hashing a large partial may take a while: not a stall
    try {
      this.fh = await open(p.file, constants.O_WRONLY);
      await this.fh.truncate(p.held); // bytes past `held` are from a write that failed
      if (p.held > 0) {
        const rd = await open(p.file, 'r');
        try { await hashInto(this.hash, rd, 0, p.held); } finally { await rd.close(); }
      }
    } finally {
      this.writing = false;
    }
    p.lastActiveMs = this.store.wallMs();
  }

  private checkOwned(): Pending {
    if (this.revoked || !this.p) {
      fail('FS_BUSY', `the upload of "${this.path.rel}" sent nothing for a while and another writer took it over; run the upload again`);
    }
    return this.p!;
  }

  async chunk(f: Extract<Frame, { kind: 'chunk' }>): Promise<void> {
    const p = this.checkOwned();
    const at = p.held;
    if (f.offset !== at) fail('BAD_REQUEST', `chunk at offset ${f.offset}, expected ${at}: send chunks in order from the offset "begin" answered`);
    if (!checksumOk(f)) fail('FS_CHECKSUM', `the chunk at offset ${f.offset} of "${this.path.rel}" arrived damaged (crc32 mismatch); send the upload again, it resumes at ${at}`);
    const end = at + f.bytes.length;
    // The whole declared size was reserved at begin, so staying within it keeps the quota exact.
    if (end > p.size) fail('BAD_REQUEST', `chunk ends at ${end}, beyond the declared size ${p.size}`);
    this.writing = true; // a writer in the middle of a write is never taken over
    try {
      await this.fh!.write(f.bytes, 0, f.bytes.length, at);
    } finally {
      this.writing = false;
    }
    this.hash.update(f.bytes);
    p.held = end;
    p.lastActiveMs = this.store.wallMs();
  }

  async commit(): Promise<{ size: number; sha256: string }> {
    const p = this.checkOwned();
    const store = this.store;
    if (p.held !== p.size) fail('BAD_REQUEST', `upload of "${this.path.rel}" is incomplete: ${p.held} of ${p.size} bytes; send the rest before commit`);
    const got = this.hash.digest('hex');
    if (got !== p.sha256) {
      await this.close();
      await store.partials.drop(p, 'discarded');
      fail('FS_CHECKSUM', `"${this.path.rel}" arrived with sha256 ${got}, not the declared ${p.sha256}; the partial upload was discarded, send it again`);
    }
    this.committing = true; // and neither is one committing
    try {
      await this.fh!.sync();
      await this.fh!.close();
      this.fh = undefined;
      // Still the path's writer until the rename is done: nobody may resume this partial while
      // it is becoming the committed file. serve-files closes the upload after the commit.
      return await store.serial(async () => {
        // The target is checked again: the tree may have changed while the bytes were arriving.
        const target = await creatablePath(store.rootReal, this.path);
        const old = await lstat(target).catch(absent);
        if (old?.isDirectory()) fail('FS_EXISTS', `"${this.path.rel}" became a directory meanwhile; delete it first or upload to another name`);
        await rename(p.file, target);
        store.quota.commitUpload(p.size, old ? entryCost(old) : null);
        await store.partials.committed(p);
        await syncDir(dirname(target));
        rememberSum(store.sums, target, await stat(target), got);
        return { size: p.size, sha256: got };
      });
    } finally {
      this.committing = false;
    }
  }

  /** Lets go of the path and the partial; `idle` restarts the partial's expiry from now. */
  private unclaim(idle: boolean): void {
    const p = this.p;
    if (p?.owner !== this) return;
    if (this.store.writers.get(this.lockKey) === p) this.store.writers.delete(this.lockKey);
    p.owner = undefined;
    if (idle) p.lastActiveMs = this.store.wallMs();
  }

  /** Called by the partial table when another writer takes over from this stalled one. */
  revoke(): void {
    this.revoked = true;
    this.closed = true;
    this.fh?.close().catch(() => {});
    this.fh = undefined;
    this.unclaim(false);
  }

  /** Ends this stream's hold on the path; the partial stays for a later resume until it expires. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh?.close().catch(() => {});
    this.fh = undefined;
    this.unclaim(true);
  }
}
