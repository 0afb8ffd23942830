// One file the node keeps on disk (state.json, sms.json, registry.json), written from its data
// in memory. Writes are single-flight: requests made while a write runs are carried by one more
// write after it, so the file always ends up with the latest data. A failed write is retried
// with exponential backoff on the injected clock (a full disk frees up when the operator acts,
// not on our schedule) and reported to DiskHealth with the file and the errno; it is never
// reported as success. `save()` resolves only once a write that started after the call is on
// disk, which is what a caller that acknowledges something (an SMS custody ack) waits for.
import type { TimerHandle } from '../env/clock.ts';
import type { DiskHealth } from './disk-health.ts';

export interface DurableFileOptions {
  /** First retry after this long; doubles per failure... */
  retryMinMs: number;
  /** ...up to this. */
  retryMaxMs: number;
}
export const DURABLE_FILE_DEFAULTS: DurableFileOptions = Object.freeze({ retryMinMs: 1000, retryMaxMs: 60_000 });

interface Waiter { resolve: () => void; reject: (e: unknown) => void; failFast: boolean }

export class DurableFile {
  private readonly opts: DurableFileOptions;
  private running: Promise<void> | undefined;
  private dirty = false;
  private timer: TimerHandle | undefined;
  private failures = 0;
  private lastError: unknown = null;
  private closed = false;
  private waiting: Waiter[] = [];

  constructor(readonly path: string, private readonly write: () => Promise<void> | void, private readonly health: DiskHealth, options: Partial<DurableFileOptions> = {}) {
    this.opts = { ...DURABLE_FILE_DEFAULTS, ...options };
  }

  /** True while the latest data is not known to be on disk. */
  get pending(): boolean {
    return this.dirty || this.running !== undefined || this.waiting.length > 0;
  }

  get failing(): boolean {
    return this.failures > 0;
  }

  /** Write the current data soon; failures are retried and reported, nobody waits. */
  request(): void {
    if (this.closed) return;
    this.dirty = true;
    this.kick();
  }

  /** Resolves once the data as it is now is on disk, however many retries that takes. */
  save(): Promise<void> {
    return this.enqueue(false);
  }

  /** Like save(), but rejects with the error (errno in `code`) if the next try fails. A retry
   *  pending on the clock is tried at once: the caller is a person waiting for an answer. */
  saveOrFail(): Promise<void> {
    if (this.timer !== undefined && this.running === undefined) {
      this.health.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    return this.enqueue(true);
  }

  private enqueue(failFast: boolean): Promise<void> {
    if (this.closed) return Promise.reject(this.lastError ?? new Error(`${this.path}: closed`));
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject, failFast });
      this.dirty = true;
      this.kick();
    });
  }

  private kick(): void {
    if (this.running !== undefined || this.timer !== undefined || !this.dirty) return;
    this.running = this.attempt();
  }

  /** One try; never rejects (the outcome goes to the waiters and to DiskHealth). */
  private attempt(): Promise<void> {
    this.dirty = false;
    const batch = this.waiting.splice(0);
    this.health.trying(this.path);
    // In a microtask: the caller's other changes in this tick ride along, and a synchronous
    // throw from `write` becomes a rejection handled below.
    return Promise.resolve().then(() => this.write()).then(
      () => this.settle(batch, null),
      (e: unknown) => this.settle(batch, e),
    );
  }

  private settle(batch: Waiter[], error: unknown): void {
    this.running = undefined;
    if (error === null) {
      this.failures = 0;
      this.lastError = null;
      this.health.succeeded(this.path);
      for (const w of batch) w.resolve();
      this.kick(); // requests made while this write ran
      return;
    }
    this.failures++;
    this.lastError = error;
    this.dirty = true; // the data in memory is still not on disk
    for (const w of batch) if (w.failFast) w.reject(error);
    this.waiting.unshift(...batch.filter((w) => !w.failFast));
    if (this.closed) {
      this.health.failed(this.path, error, null);
      return;
    }
    const delay = Math.min(this.opts.retryMaxMs, this.opts.retryMinMs * 2 ** Math.min(this.failures - 1, 30));
    this.health.failed(this.path, error, this.health.clock.wallMs() + delay);
    this.timer = this.health.clock.setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, delay);
  }

  /** No more retries: waits for a running write, then makes one last try if data is pending.
   *  Resolves true when the latest data is on disk; false (already logged) when it is not. */
  async close(): Promise<boolean> {
    this.closed = true;
    if (this.timer !== undefined) this.health.clock.clearTimeout(this.timer);
    this.timer = undefined;
    while (this.running) await this.running; // a success may start the write it owed
    if (this.dirty || this.waiting.length > 0) {
      this.running = this.attempt();
      await this.running;
    }
    const ok = !this.dirty;
    // Waiters left now will never be written: tell them (they handle rejections).
    for (const w of this.waiting.splice(0)) w.reject(this.lastError);
    return ok;
  }
}
