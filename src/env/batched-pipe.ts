// from.pipe(to) for an overlay stream into a socket, with the chunks of one event-loop turn
// written by one system call: an overlay stream hands on each segment as it arrived (a view into
// its datagram, src/stream/chunk-queue.ts), so at 1,400 bytes a plain pipe is a write() per
// segment. Chunks gather until the turn's datagrams are all delivered (setImmediate), then go as
// one writev() (cork, write each, uncork): no copy, no delay beyond the turn. Backpressure as
// pipe(): the source pauses while the socket holds more than its high-water mark.
import type { Readable, Writable } from 'node:stream';

export interface BatchedPipe {
  /** Stops moving bytes: what was read goes to `to` first; `from` is left paused, unread bytes in it. */
  stop(): void;
}

export const batchedPipe = (from: Readable, to: Writable, opts: { end?: boolean } = {}): BatchedPipe => {
  let held: Buffer[] = [];
  let scheduled = false;
  let stopped = false;
  const flush = (): void => {
    scheduled = false;
    if (held.length === 0 || to.destroyed) return void (held = []);
    const chunks = held;
    held = [];
    to.cork();
    let ok = true;
    for (const c of chunks) ok = to.write(c);
    to.uncork();
    if (!ok && !stopped) {
      from.pause();
      to.once('drain', resume);
    }
  };
  const resume = (): void => { if (!stopped) from.resume(); };
  const onData = (c: Buffer): void => {
    held.push(c);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  const onEnd = (): void => {
    flush();
    if (opts.end !== false) to.end();
  };
  from.on('data', onData);
  from.once('end', onEnd);
  from.resume();
  return {
    stop: () => {
      stopped = true;
      from.off('data', onData);
      from.off('end', onEnd);
      to.off('drain', resume);
      from.pause();
      flush();
    },
  };
};
