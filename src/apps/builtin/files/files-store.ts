// The state one files app shares across all its streams: the data directory, the quota counter,
// the pending uploads and which paths are being written. Opening it walks the tree once (the
// counter's start) and reads the staging directory back; after that nothing walks the tree.
// There must be one store per data directory: two would each believe they had the whole quota.
import { mkdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import type { Random } from '../../../env/random.ts';
import { treeUsage } from './disk-usage.ts';
import { PartialTable, type Pending } from './partial-table.ts';
import { QuotaGuard, type UsageSnapshot } from './quota-guard.ts';
import { META_DIR } from './safe-path.ts';
import { newSumCache, type SumCache } from './sum-cache.ts';

export const DEFAULT_MAX_ENTRIES = 100_000;
export const DEFAULT_MAX_PENDING = 64;
export const DEFAULT_PARTIAL_EXPIRY_MS = 24 * 3600 * 1000;
/** A writer silent this long loses its path to the next writer (as long as a stream waits to
 *  give up on a silent peer). */
export const DEFAULT_WRITER_IDLE_MS = 60_000;

export interface FilesStoreOptions {
  dataDir: string;
  quotaBytes: number;
  /** Files, directories and pending uploads together. */
  maxEntries?: number;
  maxPendingUploads?: number;
  /** A partial upload nobody has written for this long is removed. */
  partialExpiryMs?: number;
  /** An upload that has sent nothing for this long may be taken over (see partial-table.ts). */
  writerIdleMs?: number;
  /** Wall-clock milliseconds (partials' idle time is compared with their files' mtime). */
  wallMs: () => number;
  random: Random;
  sums?: SumCache;
}

export interface FilesStore {
  readonly rootReal: string;
  readonly quota: QuotaGuard;
  readonly partials: PartialTable;
  readonly sums: SumCache;
  readonly wallMs: () => number;
  /** Refusals by error code ('malformed' for frames that ended a stream), for status. */
  readonly refused: Record<string, number>;
  /** Real target paths an upload is writing now, and its partial: one writer per path. */
  readonly writers: Map<string, Pending>;
  newUploadId(): string;
  /** Tree changes (mkdir, delete, an upload's final rename) one at a time, so that the quota
   *  counter always matches the tree, whatever the streams interleave. */
  serial<T>(fn: () => Promise<T>): Promise<T>;
  count(code: string): void;
  usage(): UsageSnapshot & { pending: number; maxPending: number; partialExpiryMs: number };
}

export const openFilesStore = async (o: FilesStoreOptions): Promise<FilesStore> => {
  await mkdir(o.dataDir, { recursive: true });
  const rootReal = await realpath(o.dataDir);
  const staging = join(rootReal, META_DIR, 'partial');
  await mkdir(staging, { recursive: true });
  const maxPending = o.maxPendingUploads ?? DEFAULT_MAX_PENDING;
  const partialExpiryMs = o.partialExpiryMs ?? DEFAULT_PARTIAL_EXPIRY_MS;
  const quota = new QuotaGuard(o.quotaBytes, o.maxEntries ?? DEFAULT_MAX_ENTRIES, await treeUsage(rootReal));
  const partials = await PartialTable.load(staging, quota, { maxPending, expiryMs: partialExpiryMs, writerIdleMs: o.writerIdleMs ?? DEFAULT_WRITER_IDLE_MS, wallMs: o.wallMs });
  const refused: Record<string, number> = {};
  let tail: Promise<unknown> = Promise.resolve();
  return {
    rootReal, quota, partials, sums: o.sums ?? newSumCache(), wallMs: o.wallMs, refused, writers: new Map(),
    newUploadId: () => Buffer.from(o.random.bytes(16)).toString('hex'),
    serial: <T>(fn: () => Promise<T>): Promise<T> => {
      const run = tail.then(fn, fn);
      tail = run.catch(() => {});
      return run;
    },
    count: (code) => { refused[code] = (refused[code] ?? 0) + 1; },
    usage: () => {
      partials.sweep();
      return { ...quota.snapshot(), pending: partials.size, maxPending, partialExpiryMs };
    },
  };
};
