// One upload on one stream. Its bytes go to its own partial file (partial-table.ts), a fresh
// inode created for this upload id, so no two writers ever share a file and nothing is written
// into a committed file. Only one upload may write a path at a time: a second writer gets
// FS_BUSY until the first commits, fails or its stream ends (refused rather than queued, so a
// client never hangs behind another's slow or stalled upload). Commit checks the whole SHA-256,
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
import type { Pending } from './partial-table.ts';
import { creatablePath, type ClientPath } from './safe-path.ts';
import { hashInto, rememberSum } from './sum-cache.ts';

const syncDir = async (dir: string): Promise<void> => {
  const fh = await open(dir, 'r');
  try { await fh.sync(); } finally { await fh.close(); }
};
const absent = (e: unknown): null => ((e as NodeJS.ErrnoException).code === 'ENOENT' ? null : Promise.reject(e) as never);

export interface BeginArgs { size: number; sha256: string; uploadId?: string | undefined }

export class Upload {
  private readonly hash: Hash = createHash('sha256');
  private fh: FileHandle | undefined;
  private closed = false;

  private constructor(
    private readonly store: FilesStore, readonly path: ClientPath, private readonly lockKey: string, private readonly p: Pending, private readonly token: object,
  ) {}

  get held(): number { return this.p.held; }
  get id(): string { return this.p.id; }

  static async begin(store: FilesStore, path: ClientPath, a: BeginArgs): Promise<Upload> {
    const target = await creatablePath(store.rootReal, path);
    if (await stat(target).then((s) => s.isDirectory(), () => false)) fail('FS_EXISTS', `"${path.rel}" is a directory; delete it first or upload to another name`);
    const table = store.partials;
    table.sweep();
    // From here to owning the partial nothing is awaited: the checks and the claim are one step.
    if (store.writers.has(target)) fail('FS_BUSY', `"${path.rel}" is being uploaded by another client right now; try again when that upload has finished`);
    let p = a.uploadId === undefined ? undefined : table.get(a.uploadId);
    if (p && (p.rel !== path.rel || p.size !== a.size || p.sha256 !== a.sha256)) {
      fail('BAD_REQUEST', `upload id ${a.uploadId} belongs to another upload ("${p.rel}", ${p.size} bytes); use a new id, or remove it (rm-partial)`);
    }
    if (p?.owner) fail('FS_BUSY', `upload id ${a.uploadId} is being written by another stream`);
    p ??= a.uploadId === undefined ? table.idleFor(path.rel).find((x) => x.size === a.size && x.sha256 === a.sha256) : undefined;
    // Another content for the same path supersedes the old partials: they could only ever be
    // overwritten, and would hold quota until they expired.
    for (const old of table.idleFor(path.rel)) if (old !== p) table.dropSoon(old, 'superseded');
    const token = {};
    store.writers.set(target, token);
    try {
      if (p) { p.owner = token; table.counters.resumed += 1; } else p = await table.create(a.uploadId ?? store.newUploadId(), path.rel, a.size, a.sha256, token);
      const u = new Upload(store, path, target, p, token);
      await u.open();
      return u;
    } catch (e) {
      if (p?.owner === token) p.owner = undefined;
      store.writers.delete(target);
      throw e;
    }
  }

  private async open(): Promise<void> {
    this.fh = await open(this.p.file, constants.O_WRONLY);
    await this.fh.truncate(this.p.held); // bytes past `held` are from a write that failed
    if (this.p.held > 0) {
      const rd = await open(this.p.file, 'r');
      try { await hashInto(this.hash, rd, 0, this.p.held); } finally { await rd.close(); }
    }
  }

  async chunk(f: Extract<Frame, { kind: 'chunk' }>): Promise<void> {
    const at = this.p.held;
    if (f.offset !== at) fail('BAD_REQUEST', `chunk at offset ${f.offset}, expected ${at}: send chunks in order from the offset "begin" answered`);
    if (!checksumOk(f)) fail('FS_CHECKSUM', `the chunk at offset ${f.offset} of "${this.path.rel}" arrived damaged (crc32 mismatch); send the upload again, it resumes at ${at}`);
    const end = at + f.bytes.length;
    // The whole declared size was reserved at begin, so staying within it keeps the quota exact.
    if (end > this.p.size) fail('BAD_REQUEST', `chunk ends at ${end}, beyond the declared size ${this.p.size}`);
    await this.fh!.write(f.bytes, 0, f.bytes.length, at);
    this.hash.update(f.bytes);
    this.p.held = end;
    this.p.lastActiveMs = this.store.wallMs();
  }

  async commit(): Promise<{ size: number; sha256: string }> {
    const { p, store } = this;
    if (p.held !== p.size) fail('BAD_REQUEST', `upload of "${this.path.rel}" is incomplete: ${p.held} of ${p.size} bytes; send the rest before commit`);
    const got = this.hash.digest('hex');
    if (got !== p.sha256) {
      await this.close();
      await store.partials.drop(p, 'discarded');
      fail('FS_CHECKSUM', `"${this.path.rel}" arrived with sha256 ${got}, not the declared ${p.sha256}; the partial upload was discarded, send it again`);
    }
    await this.fh!.sync();
    await this.fh!.close();
    this.fh = undefined;
    // Still the path's writer until the rename is done: nobody may resume this partial while it
    // is becoming the committed file. serve-files closes the upload after the commit either way.
    return store.serial(async () => {
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
  }

  /** Ends this stream's hold on the path; the partial stays for a later resume until it expires. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh?.close().catch(() => {});
    this.fh = undefined;
    if (this.store.writers.get(this.lockKey) === this.token) this.store.writers.delete(this.lockKey);
    if (this.p.owner === this.token) {
      this.p.owner = undefined;
      this.p.lastActiveMs = this.store.wallMs();
    }
  }
}
