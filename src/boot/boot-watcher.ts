// Watches the boot file by polling on the node's Clock (no fs.watch: boot partitions are FAT,
// often remounted, and inotify misses edits made on another machine). Reports a valid file each
// time its content changes, and an error each time the problem changes, so the console shows one
// line per fix attempt rather than one per poll.
import { readFileSync } from 'node:fs';
import type { Clock, TimerHandle } from '../env/clock.ts';
import { SkywireError } from '../errors.ts';
import { parseMasterFile, type MasterFile } from './master-file.ts';

export interface BootWatchDeps {
  path: string;
  clock: Clock;
  pollMs: number;
  onValid(mf: MasterFile): void;
  onError(e: SkywireError): void;
  read?: (path: string) => string;
}

export interface BootStatus { file: string; ok: boolean; error: string | null; master: string | null }

export class BootWatcher {
  status: BootStatus;
  private lastText: string | null = null;
  private lastError: string | null = null;
  private timer: TimerHandle | undefined;

  constructor(private readonly d: BootWatchDeps) {
    this.status = { file: d.path, ok: false, error: null, master: null };
  }

  /** Checks now (synchronously), then every pollMs until stop(). */
  start(): this {
    this.poll();
    return this;
  }

  stop(): void {
    if (this.timer !== undefined) this.d.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private poll(): void {
    this.check();
    this.timer = this.d.clock.setTimeout(() => this.poll(), this.d.pollMs);
  }

  private check(): void {
    let text: string;
    try {
      text = (this.d.read ?? ((p) => readFileSync(p, 'utf8')))(this.d.path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return this.fail(new SkywireError('BOOT_FILE_MISSING', code === 'ENOENT'
        ? `${this.d.path} does not exist. Fix: create it with the master's public key on the first line (on the master, "skywire id --home MASTERHOME" prints it); this node keeps checking and registers once it is there`
        : `cannot read ${this.d.path} (${code}). Fix: check the file's permissions`));
    }
    if (text === this.lastText && this.status.ok) return;
    try {
      const mf = parseMasterFile(text, this.d.path);
      this.lastText = text;
      this.lastError = null;
      this.status = { file: this.d.path, ok: true, error: null, master: mf.masterAddress };
      this.d.onValid(mf);
    } catch (e) {
      if (!(e instanceof SkywireError)) throw e;
      this.fail(e);
    }
  }

  private fail(e: SkywireError): void {
    this.status = { ...this.status, ok: false, error: e.message };
    this.lastText = null;
    if (e.message === this.lastError) return;
    this.lastError = e.message;
    this.d.onError(e);
  }
}
