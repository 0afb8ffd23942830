// The events one received segment caused, found by comparing before and after, so handlers run
// only once the core is consistent: they may write, read, end or destroy from inside.
import type { StreamCore } from './stream-core.ts';

export interface Snapshot { connecting: boolean; writable: boolean; finAcked: boolean; readable: number; fin: boolean }

export const snapshot = (c: StreamCore): Snapshot => ({
  connecting: c.state === 'connecting',
  writable: c.writable,
  finAcked: c.finAcked,
  readable: c.readableLength,
  fin: c.rcv.finReceived,
});

export const notify = (c: StreamCore, was: Snapshot): void => {
  // A handler may fail or abort the stream; later events then have no one to tell.
  if (was.connecting && c.state !== 'connecting' && !c.failed) c.events.connect();
  if (!was.writable && c.writable && !c.failed) c.events.writable();
  if (!was.finAcked && c.finAcked && !c.failed) c.events.finished();
  const news = c.readableLength > was.readable || c.rcv.finReceived !== was.fin;
  if (news && !c.failed) c.events.readable();
};
