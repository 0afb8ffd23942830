// Client side of the files protocol over any byte stream (an overlay stream, the node's control
// socket piped to one, or a plain TCP socket in tests). Requests run one at a time, in order.
import type { Duplex } from 'node:stream';
import { jsonFrame, type FileRecord } from './files-protocol.ts';
import { openWire } from './files-wire.ts';
import type { Progress, PutResult, GetResult } from './client-common.ts';
import type { PartialInfo } from './partial-table.ts';
import type { UsageSnapshot } from './quota-guard.ts';
import { putFile } from './client-put.ts';
import { getFile } from './client-get.ts';

export interface FilesClient {
  list(path: string): Promise<FileRecord[]>;
  stat(path: string): Promise<FileRecord>;
  get(remote: string, localFile: string, onProgress?: Progress): Promise<GetResult>;
  /** Resumes from the bytes the server already holds of this same content. */
  put(localFile: string, remote: string, onProgress?: Progress): Promise<PutResult>;
  rm(path: string, opts?: { recursive?: boolean }): Promise<void>;
  mkdir(path: string, opts?: { parents?: boolean }): Promise<void>;
  /** Pending (unfinished) uploads, the quota use and the server's counters. */
  partials(): Promise<PartialsReport>;
  /** Removes a pending upload; resolves the bytes it gave back to the quota. */
  rmPartial(uploadId: string): Promise<number>;
  /** Half-closes the stream: the server finishes and ends its side. */
  close(): void;
}

export interface PartialsReport {
  partials: PartialInfo[];
  usage: UsageSnapshot & { pending: number; maxPending: number; partialExpiryMs: number };
  counters: Record<string, unknown>;
}

export const filesClient = (stream: Duplex): FilesClient => {
  const wire = openWire(stream);
  let tail: Promise<unknown> = Promise.resolve();
  // One request at a time: replies carry no ids, so order is what pairs them.
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => {});
    return run;
  };
  const call = (req: object): Promise<Record<string, unknown>> => serial(async () => {
    await wire.send(jsonFrame(req));
    return wire.reply();
  });
  return {
    list: async (path) => (await call({ op: 'list', path })).entries as FileRecord[],
    stat: async (path) => (await call({ op: 'stat', path })).entry as FileRecord,
    get: (remote, localFile, onProgress) => serial(() => getFile(wire, remote, localFile, onProgress)),
    put: (localFile, remote, onProgress) => serial(() => putFile(wire, localFile, remote, onProgress)),
    rm: async (path, o) => void await call({ op: 'delete', path, recursive: o?.recursive ?? false }),
    mkdir: async (path, o) => void await call({ op: 'mkdir', path, parents: o?.parents ?? false }),
    partials: async () => (await call({ op: 'partials' })) as unknown as PartialsReport,
    rmPartial: async (uploadId) => Number((await call({ op: 'rm-partial', uploadId })).freedBytes),
    close: () => void stream.end(),
  };
};
