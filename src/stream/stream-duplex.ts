// A Node Duplex over one stream core. Backpressure both ways: a write's callback waits while
// the core's send buffer is full, and data stays in the core (closing the advertised window)
// while the app does not read. Emits 'connect' when a dialed stream is accepted.
import { Duplex, type DuplexOptions } from 'node:stream';
import type { StreamCore } from './stream-core.ts';
import { streamError } from './stream-error.ts';

type Callback = (err?: Error | null) => void;

export class SkyStream extends Duplex {
  private wantRead = false;
  private pushedEnd = false;
  private writeCb: Callback | null = null;
  private finalCb: Callback | null = null;

  constructor(readonly core: StreamCore, options?: DuplexOptions) {
    super({ allowHalfOpen: true, ...options });
    core.events = {
      connect: () => this.emit('connect'),
      readable: () => {
        if (this.wantRead) this.pull();
      },
      writable: () => this.release(this.writeCb, null),
      finished: () => this.release(this.finalCb, null),
      error: (code) => this.destroy(streamError(code)),
    };
    if (core.error) this.destroy(streamError(core.error));
  }

  /** Stream id within its conversation. */
  get streamId(): number {
    return this.core.id;
  }

  /** The port dialed (or accepted on). */
  get port(): number {
    return this.core.port;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, cb: Callback): void {
    if (this.core.write(chunk) || !this.core.active) cb();
    else this.writeCb = cb;
  }

  override _final(cb: Callback): void {
    this.core.end();
    if (this.core.finAcked || !this.core.active) cb();
    else this.finalCb = cb;
  }

  override _read(): void {
    this.wantRead = true;
    this.pull();
  }

  override _destroy(err: Error | null, cb: Callback): void {
    this.core.abort();
    this.release(this.writeCb, err);
    this.release(this.finalCb, err);
    cb(err);
  }

  private pull(): void {
    for (;;) {
      const b = this.core.read();
      if (!b) break;
      if (!this.push(b)) {
        this.wantRead = false;
        return;
      }
    }
    if (this.core.readEnded && !this.pushedEnd) {
      this.pushedEnd = true;
      this.push(null);
    }
  }

  private release(cb: Callback | null, err: Error | null): void {
    if (cb === this.writeCb) this.writeCb = null;
    if (cb === this.finalCb) this.finalCb = null;
    cb?.(err);
  }
}
