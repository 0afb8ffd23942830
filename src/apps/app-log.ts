// An app's stdout and stderr, kept by the node in HOME/run/apps/NAME/app.log with a size cap:
// at capBytes the file becomes app.log.1 (replacing the last one) and a new app.log starts, so
// an app can hold at most twice the cap of the node's disk. A write that fails (full disk, I/O
// error) never reaches the node as an exception: the bytes are dropped and counted, the first
// failure of each kind is reported with the file and the errno, and the next chunk tries again
// on a freshly opened file. Output that arrives faster than the disk takes it holds the app
// back: write() says false past HIGH_WATER, and the caller pauses the pipe until drained(), so
// the app blocks on its own full pipe. A caller that does not is cut off at MAX_PENDING (the
// rest dropped and counted), so a chatty app cannot grow the node's memory either way.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open, rename, stat, type FileHandle } from 'node:fs/promises';

export const LOG_CAP_BYTES = 1024 * 1024;
const HIGH_WATER = 64 * 1024;
const MAX_PENDING = 256 * 1024;

export interface AppLogStats { bytes: number; rotations: number; writeErrors: number; droppedBytes: number; lastError: string | null }

export class AppLog {
  readonly stats: AppLogStats = { bytes: 0, rotations: 0, writeErrors: 0, droppedBytes: 0, lastError: null };
  private handle: FileHandle | undefined;
  private size = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private running: Promise<void> = Promise.resolve();
  private draining = false;
  private readonly reported = new Set<string>();

  constructor(readonly file: string, private readonly report: (line: string) => void, readonly capBytes = LOG_CAP_BYTES) {}

  /** Queues a chunk; false once the queue is over its high-water mark (pause the source). */
  write(chunk: Buffer): boolean {
    if (this.pendingBytes + chunk.length > MAX_PENDING) {
      this.stats.droppedBytes += chunk.length;
      return false;
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (!this.draining) {
      this.draining = true;
      this.running = this.drain();
    }
    return this.pendingBytes < HIGH_WATER;
  }

  /** Resolves once the queue is empty (each chunk written or dropped). */
  drained(): Promise<void> {
    return this.running;
  }

  /** Resolves once everything queued is written (or dropped) and the file is closed. */
  async close(): Promise<void> {
    await this.running;
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
  }

  private async drain(): Promise<void> {
    while (this.pending.length) {
      const chunk = this.pending.shift()!;
      this.pendingBytes -= chunk.length;
      try {
        await this.append(chunk.length > this.capBytes ? chunk.subarray(chunk.length - this.capBytes) : chunk);
      } catch (e) {
        this.failed(e as NodeJS.ErrnoException, chunk.length);
      }
    }
    this.draining = false;
  }

  private async append(chunk: Buffer): Promise<void> {
    if (this.handle && this.size + chunk.length > this.capBytes) {
      await this.handle.close();
      this.handle = undefined;
      await rename(this.file, `${this.file}.1`);
      this.stats.rotations++;
    }
    if (!this.handle) {
      this.handle = await open(this.file, 'a', 0o600);
      this.size = (await stat(this.file)).size;
      // An app.log left over the cap by an earlier run rotates before it grows further.
      if (this.size + chunk.length > this.capBytes && this.size > 0) return this.append(chunk);
    }
    let off = 0;
    while (off < chunk.length) off += (await this.handle.write(chunk, off)).bytesWritten;
    this.size += chunk.length;
    this.stats.bytes += chunk.length;
  }

  private failed(e: NodeJS.ErrnoException, bytes: number): void {
    this.stats.writeErrors++;
    this.stats.droppedBytes += bytes;
    const code = e.code ?? e.message;
    this.stats.lastError = `${code} writing ${this.file}`;
    // The next chunk reopens the file: a disk that has room again is used again.
    const h = this.handle;
    this.handle = undefined;
    if (h) h.close().catch(() => undefined);
    if (!this.reported.has(code)) {
      this.reported.add(code);
      this.report(`app log ${this.file}: write failed (${code}); output is dropped and counted until writes succeed again`);
    }
  }
}

/** Reading an app log from the master (`skywire app logs`): from byte `since`, or its last
 *  `lines` lines when `since` is absent, at most `max` bytes, with the offset to ask from next.
 *  A log that rotated or shrank since then is read from its start, and says so. Control
 *  characters are shown as '?'. */
export const readLogFrom = (file: string, since: number | undefined, lines: number, max = 64 * 1024): { text: string; next: number; restarted: boolean } => {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const restarted = since !== undefined && since > size;
    const from = since === undefined ? Math.max(0, size - max) : restarted ? 0 : since;
    const n = Math.min(size - from, max);
    const buf = Buffer.alloc(n);
    readSync(fd, buf, 0, n, from);
    let text = buf.toString('utf8');
    if (since === undefined) {
      const all = text.split('\n');
      if (from > 0) all.shift(); // a partial first line
      text = all.slice(-(lines + 1)).join('\n');
    }
    return { text: text.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '?'), next: from + n, restarted };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { text: '', next: 0, restarted: false };
    throw e;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
};

/** The last `lines` non-empty lines of an app log (from its last 4 KiB, each at most 200
 *  characters), or [] when there is none or it cannot be read. For a deploy's rollback report. */
export const logTail = (file: string, lines: number): string[] => {
  try {
    return readLogFrom(file, undefined, lines, 4096).text.split('\n').filter((l) => l.trim() !== '').slice(-lines).map((l) => l.slice(0, 200));
  } catch {
    return [];
  }
};
