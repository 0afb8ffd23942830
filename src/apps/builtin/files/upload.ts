// One resumable upload: bytes go to a partial file in the staging directory, named by the target
// path and the declared content, so a client cut off mid-way resumes where the bytes stopped;
// commit checks the whole SHA-256, fsyncs and renames over the target, so readers see the old
// file or the new one, never a torn one.
import { createHash, type Hash } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { fail } from '../../../errors.ts';
import { checksumOk, type Frame } from './files-protocol.ts';
import { QuotaGuard } from './quota-guard.ts';
import { creatablePath, META_DIR, type ClientPath } from './safe-path.ts';
import { hashInto, rememberSum, type SumCache } from './sum-cache.ts';

export interface UploadContext { rootReal: string; quotaBytes: number; sums: SumCache }

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const syncDir = async (dir: string): Promise<void> => {
  const fh = await open(dir, 'r');
  try { await fh.sync(); } finally { await fh.close(); }
};

export class Upload {
  private constructor(
    private readonly ctx: UploadContext, readonly path: ClientPath, private readonly partial: string,
    private readonly fh: FileHandle, private readonly hash: Hash, readonly size: number, private readonly sha256: string,
    readonly held: number, private readonly quota: QuotaGuard, private written: number,
  ) {}

  static async begin(ctx: UploadContext, path: ClientPath, size: number, sha256: string): Promise<Upload> {
    const target = await creatablePath(ctx.rootReal, path);
    if (await stat(target).then((s) => s.isDirectory(), () => false)) fail('FS_EXISTS', `"${path.rel}" is a directory; delete it first or upload to another name`);
    const dir = join(ctx.rootReal, META_DIR, 'partial');
    await mkdir(dir, { recursive: true });
    const prefix = `${sha(path.rel).slice(0, 32)}.`;
    const name = `${prefix}${sha256.slice(0, 32)}.${size}`;
    // Another content for the same path abandons the old partial: only one can be resumed.
    for (const old of await readdir(dir)) if (old.startsWith(prefix) && old !== name) await unlink(join(dir, old)).catch(() => {});
    const partial = join(dir, name);
    let held = await stat(partial).then((s) => s.size, () => 0);
    if (held > size) { await unlink(partial); held = 0; }
    const quota = new QuotaGuard(ctx.rootReal, ctx.quotaBytes, path.rel);
    await quota.begin(size - held);
    const fh = await open(partial, constants.O_WRONLY | constants.O_CREAT, 0o600);
    const hash = createHash('sha256');
    if (held > 0) {
      const rd = await open(partial, 'r');
      try { await hashInto(hash, rd, 0, held); } finally { await rd.close(); }
    }
    return new Upload(ctx, path, partial, fh, hash, size, sha256, held, quota, held);
  }

  async chunk(f: Extract<Frame, { kind: 'chunk' }>): Promise<void> {
    if (f.offset !== this.written) fail('BAD_REQUEST', `chunk at offset ${f.offset}, expected ${this.written}: send chunks in order from the offset "begin" answered`);
    if (!checksumOk(f)) fail('FS_CHECKSUM', `the chunk at offset ${f.offset} of "${this.path.rel}" arrived damaged (crc32 mismatch); send the upload again, it resumes at ${this.written}`);
    const end = this.written + f.bytes.length;
    if (end > this.size) fail('BAD_REQUEST', `chunk ends at ${end}, beyond the declared size ${this.size}`);
    await this.quota.chunk(f.bytes.length, this.size - this.written);
    await this.fh.write(f.bytes, 0, f.bytes.length, this.written);
    this.hash.update(f.bytes);
    this.written = end;
  }

  async commit(): Promise<{ size: number; sha256: string }> {
    if (this.written !== this.size) fail('BAD_REQUEST', `upload of "${this.path.rel}" is incomplete: ${this.written} of ${this.size} bytes; send the rest before commit`);
    const got = this.hash.digest('hex');
    if (got !== this.sha256) {
      await this.close();
      await unlink(this.partial).catch(() => {});
      fail('FS_CHECKSUM', `"${this.path.rel}" arrived with sha256 ${got}, not the declared ${this.sha256}; the partial upload was discarded, send it again`);
    }
    await this.fh.sync();
    await this.close();
    // The target is checked again: the tree may have changed while the bytes were arriving.
    const target = await creatablePath(this.ctx.rootReal, this.path);
    await rename(this.partial, target);
    await syncDir(join(target, '..'));
    rememberSum(this.ctx.sums, target, await stat(target), got);
    return { size: this.size, sha256: got };
  }

  private closed = false;
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close().catch(() => {});
  }
}
