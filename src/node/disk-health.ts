// Which of a node's files cannot be written right now, and why: the `disk` section of
// `skywire status` and the warning lines in the log. Each file is written through a
// DurableFile (durable-file.ts) that retries with backoff on the injected clock; this class only
// keeps the book, so status shows a failing write (file, errno, since, retries) until the retry
// that succeeds clears it.
import type { Clock } from '../env/clock.ts';
import { SkywireError } from '../errors.ts';
import { DurableFile, type DurableFileOptions } from './durable-file.ts';

export interface WriteFailure {
  file: string;
  /** ENOSPC, EIO, EACCES... ("ERROR" when the failure carried no errno). */
  errno: string;
  message: string;
  /** Wall ms of the first failure in this run of failures. */
  since: number;
  /** Failed retries after the first failure. */
  retries: number;
  /** Wall ms of the next try; null while a try is running or once closed. */
  nextRetryAt: number | null;
}
export interface DiskStatus { ok: boolean; failing: WriteFailure[] }
export interface DiskLog { info(m: string): void; warn(m: string): void }

export const errnoOf = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && code !== '' ? code : 'ERROR';
};

/** Runs a write that must happen before something else may (the identity key before the node
 *  starts, a command's sequence number before it runs): an I/O failure becomes one line,
 *  WRITE_FAILED with the file, the errno, what did not happen and the fix, not a stack trace. */
export const mustWrite = <T>(file: string, what: string, fn: () => T, retry = 'start again'): T => {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SkywireError || typeof (e as NodeJS.ErrnoException | null)?.code !== 'string') throw e;
    const errno = errnoOf(e);
    throw new SkywireError('WRITE_FAILED', `cannot write ${file} (${errno}${errno === 'ENOSPC' ? ': the disk is full' : ''}), so ${what}: free space on that disk (or fix its permissions) and ${retry}`, { cause: e });
  }
};

export class DiskHealth {
  private readonly failing = new Map<string, WriteFailure>();
  private readonly files: DurableFile[] = [];

  constructor(readonly clock: Clock, readonly log: DiskLog, private readonly options: Partial<DurableFileOptions> = {}) {}

  /** A file written by `write` (which throws or rejects on failure) with retries and reporting. */
  file(path: string, write: () => Promise<void> | void): DurableFile {
    const f = new DurableFile(path, write, this, this.options);
    this.files.push(f);
    return f;
  }

  /** Called by DurableFile: a try failed. Logs the file and the errno; status shows it. */
  failed(file: string, e: unknown, nextRetryAt: number | null): void {
    const errno = errnoOf(e);
    const message = (e as Error | null)?.message ?? String(e);
    const was = this.failing.get(file);
    const f: WriteFailure = { file, errno, message, since: was?.since ?? this.clock.wallMs(), retries: was ? was.retries + 1 : 0, nextRetryAt };
    this.failing.set(file, f);
    const next = nextRetryAt === null ? 'not retried (stopping)' : `retry in ${Math.round((nextRetryAt - this.clock.wallMs()) / 1000)}s`;
    this.log.warn(`cannot write ${file} (${errno}${errno === 'ENOSPC' ? ': the disk is full' : ''}); ${was ? `retry ${f.retries} failed, ` : 'kept in memory, '}${next}`);
  }

  /** Called by DurableFile: a try is running (no retry pending meanwhile). */
  trying(file: string): void {
    const f = this.failing.get(file);
    if (f) f.nextRetryAt = null;
  }

  /** Called by DurableFile: a write succeeded; a failure on record is cleared and said so. */
  succeeded(file: string): void {
    const f = this.failing.get(file);
    if (!f) return;
    this.failing.delete(file);
    this.log.info(`wrote ${file} after ${f.retries + 1} failed attempt(s) (${f.errno} since ${new Date(f.since).toISOString()})`);
  }

  status(): DiskStatus {
    return { ok: this.failing.size === 0, failing: [...this.failing.values()].map((f) => ({ ...f })) };
  }

  /** Stops every file's retries after one last try each; resolves true when all are on disk. */
  async close(): Promise<boolean> {
    const results = await Promise.all(this.files.map((f) => f.close()));
    return results.every(Boolean);
  }
}
