// Pending uploads: one partial file per upload id in the staging directory (<id>.part, beside
// <id>.json naming its path, size and SHA-256), never the committed file and never shared by two
// uploads. Each holds its declared size in the quota until it is committed, removed (rm-partial),
// expires (idle for expiryMs by the app's wall clock) or is evicted (the table is full and a new
// upload needs room: the oldest idle one goes). Partials survive a restart: the table is read
// back at start-up, so an upload cut off by a restart still resumes.
import { open, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { fail } from '../../../errors.ts';
import { ENTRY_BYTES, type QuotaGuard } from './quota-guard.ts';

export const UPLOAD_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The upload writing a partial (upload.ts). `busy` while a write or the commit is under way. */
export interface Writer { readonly busy: boolean; revoke(): void }

export interface Pending {
  readonly id: string; readonly rel: string; readonly size: number; readonly sha256: string; readonly file: string;
  /** Bytes written so far (the partial file may hold more after a failed write; they are cut). */
  held: number;
  lastActiveMs: number;
  /** The upload writing it now. An owned partial is never removed, evicted or expired unless
   *  its writer has stalled (sent nothing for writerIdleMs and nothing under way): a client
   *  that vanished without its stream closing must not hold a path or the table forever. */
  owner: Writer | undefined;
}

export interface PartialInfo { uploadId: string; path: string; size: number; held: number; sha256: string; idleMs: number; active: boolean }
export interface TableOptions { maxPending: number; expiryMs: number; writerIdleMs: number; wallMs: () => number }
export type DropReason = 'removed' | 'expired' | 'evicted' | 'superseded' | 'discarded';

const metaSchema = z.object({ v: z.literal(1), id: z.string().regex(UPLOAD_ID), rel: z.string(), size: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) });

export class PartialTable {
  private readonly byId = new Map<string, Pending>();
  /** Ids whose files are being removed: not reusable until they are gone. */
  private readonly cleaning = new Set<string>();
  readonly counters = { created: 0, resumed: 0, committed: 0, removed: 0, expired: 0, evicted: 0, superseded: 0, discarded: 0, takenOver: 0, cleanupFailed: 0 };

  private constructor(private readonly dir: string, private readonly quota: QuotaGuard, private readonly opts: TableOptions) {}

  static async load(dir: string, quota: QuotaGuard, opts: TableOptions): Promise<PartialTable> {
    const t = new PartialTable(dir, quota, opts);
    const names = await readdir(dir);
    const found: Pending[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const doc = await readFile(join(dir, name), 'utf8').then((s) => metaSchema.safeParse(JSON.parse(s)), () => null);
      if (!doc?.success || `${doc.data.id}.json` !== name) continue;
      const file = join(dir, `${doc.data.id}.part`);
      const st = await stat(file).catch(() => null);
      if (!st?.isFile()) continue;
      found.push({ ...doc.data, file, held: Math.min(st.size, doc.data.size), lastActiveMs: Math.floor(st.mtimeMs), owner: undefined });
    }
    // Newest first up to the bound; whatever else is in the directory (older formats, torn
    // writes, the rest) is removed, since nothing could ever resume it.
    found.sort((a, b) => b.lastActiveMs - a.lastActiveMs);
    for (const p of found.slice(0, opts.maxPending)) {
      t.byId.set(p.id, p);
      quota.reserveUpload(p.size, p.rel, true);
    }
    const keep = new Set([...t.byId.keys()].flatMap((id) => [`${id}.json`, `${id}.part`]));
    for (const name of names) if (!keep.has(name)) await unlink(join(dir, name)).catch(() => { t.counters.cleanupFailed += 1; });
    t.sweep();
    return t;
  }

  get size(): number { return this.byId.size; }
  get(id: string): Pending | undefined { return this.byId.get(id); }
  /** Idle partials of `rel`: the one with the same content resumes, the others are superseded. */
  idleFor(rel: string): Pending[] { return [...this.byId.values()].filter((p) => p.rel === rel && !p.owner); }

  /** True when nobody writes `p`, or its writer has stalled (see Pending.owner). */
  free(p: Pending, now = this.opts.wallMs()): boolean {
    return !p.owner || (!p.owner.busy && now - p.lastActiveMs >= this.opts.writerIdleMs);
  }

  /** Takes `p` from a stalled writer (whose next chunk or commit is then refused). */
  release(p: Pending): void {
    if (!p.owner) return;
    p.owner.revoke();
    p.owner = undefined;
    this.counters.takenOver += 1;
  }

  /** Expires idle partials; called before anything reads or charges the quota, so an expired
   *  partial never refuses anything even though no timer runs. */
  sweep(): void {
    const now = this.opts.wallMs();
    for (const p of [...this.byId.values()]) {
      if (now - p.lastActiveMs < this.opts.expiryMs || !this.free(p, now)) continue;
      this.release(p);
      this.dropSoon(p, 'expired');
    }
  }

  /** rm-partial: resolves the bytes given back to the quota. */
  async remove(id: string): Promise<number> {
    this.sweep();
    const p = this.byId.get(id) ?? fail('FS_NOT_FOUND', `no partial upload ${id}; list them with skywire fs partials NODE`);
    if (!this.free(p)) fail('FS_BUSY', `partial upload ${id} ("${p.rel}") is being written right now; remove it once that upload has stopped`);
    this.release(p);
    await this.drop(p, 'removed');
    return p.size + ENTRY_BYTES;
  }

  /** A new pending upload owned by `owner`, its quota reserved, in one synchronous step; its
   *  files are made by materialize(). */
  add(id: string, rel: string, size: number, sha256: string, owner: Writer): Pending {
    if (this.byId.has(id) || this.cleaning.has(id)) fail('FS_BUSY', `upload id ${id} is in use; choose another`);
    if (this.byId.size >= this.opts.maxPending) {
      const now = this.opts.wallMs();
      const idle = [...this.byId.values()].filter((p) => this.free(p, now)).sort((a, b) => a.lastActiveMs - b.lastActiveMs)[0]
        ?? fail('FS_BUSY', `${this.byId.size} uploads are in progress, the most this files app holds at once; try again when one finishes`);
      this.release(idle);
      this.dropSoon(idle, 'evicted');
    }
    this.quota.reserveUpload(size, `storing "${rel}"`);
    const p: Pending = { id, rel, size, sha256, file: join(this.dir, `${id}.part`), held: 0, lastActiveMs: this.opts.wallMs(), owner };
    this.byId.set(id, p);
    return p;
  }

  /** Writes the partial's description and creates its file; on failure the partial is gone. */
  async materialize(p: Pending): Promise<void> {
    try {
      const meta = join(this.dir, `${p.id}.json`);
      await writeFile(`${meta}.tmp`, JSON.stringify({ v: 1, id: p.id, rel: p.rel, size: p.size, sha256: p.sha256 }), { mode: 0o600 });
      await rename(`${meta}.tmp`, meta);
      await (await open(p.file, 'wx', 0o600)).close(); // a fresh inode: never one a client can read
    } catch (e) {
      await this.drop(p, 'discarded');
      throw e;
    }
    this.counters.created += 1;
  }

  /** Removes a partial from the table and the disk and gives its quota back. Never rejects. */
  async drop(p: Pending, reason: DropReason): Promise<void> {
    if (this.byId.get(p.id) !== p) return;
    this.byId.delete(p.id);
    this.quota.releaseUpload(p.size);
    this.counters[reason] += 1;
    await this.unlinkFiles(p);
  }

  /** drop() without waiting for the files to go: the table and the quota change at once. */
  dropSoon(p: Pending, reason: DropReason): void {
    this.drop(p, reason).catch(() => {}); // never rejects; the catch is for the linter's sake
  }

  /** The partial became the committed file (already renamed away); its quota moved with it. */
  async committed(p: Pending): Promise<void> {
    this.byId.delete(p.id);
    this.counters.committed += 1;
    await this.unlinkFiles(p, [`${p.id}.json`]);
  }

  private async unlinkFiles(p: Pending, names = [`${p.id}.json`, `${p.id}.part`]): Promise<void> {
    this.cleaning.add(p.id);
    try {
      for (const n of names) {
        await unlink(join(this.dir, n)).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'ENOENT') this.counters.cleanupFailed += 1; });
      }
    } finally {
      this.cleaning.delete(p.id);
    }
  }

  list(): PartialInfo[] {
    const now = this.opts.wallMs();
    return [...this.byId.values()].sort((a, b) => a.lastActiveMs - b.lastActiveMs).map((p) => ({
      uploadId: p.id, path: p.rel, size: p.size, held: p.held, sha256: p.sha256, idleMs: Math.max(0, now - p.lastActiveMs), active: p.owner !== undefined,
    }));
  }
}
