// The files server on one stream: reads frames, answers each request in order (see
// files-protocol.ts). Bad requests get an error reply and are counted; a frame that cannot be
// parsed ends this stream only. Nothing a client sends can throw out of here.
import type { Duplex } from 'node:stream';
import { fail, isSkywireError } from '../../../errors.ts';
import { jsonFrame, type Frame } from './files-protocol.ts';
import { readFrames, sendFrame } from './frame-stream.ts';
import { parseRequest, type FilesRequest } from './files-requests.ts';
import { errorReply } from './error-reply.ts';
import { clientPath, existingPath } from './safe-path.ts';
import { listRecords, statRecord } from './file-records.ts';
import { makeDir, remove } from './tree-ops.ts';
import { serveRead } from './read-op.ts';
import { Upload } from './upload.ts';
import type { FilesStore } from './files-store.ts';

/** Serves one stream over `store`, which all streams of the app share (files-store.ts). */
export const serveFiles = (stream: Duplex, store: FilesStore): void => {
  stream.on('error', () => {}); // a peer that resets is an ordinary end of a session
  void session(stream, store).catch((e: unknown) => {
    // A reset peer also ends up here; only what the client sent wrong counts as a refusal.
    if (isSkywireError(e, 'BAD_REQUEST')) store.count('malformed');
    stream.destroy();
  });
};

type Chunk = Extract<Frame, { kind: 'chunk' }>;

const partialsReply = (store: FilesStore): Record<string, unknown> => {
  const usage = store.usage(); // expires what is due first
  return { ok: true, partials: store.partials.list(), usage, counters: { ...store.partials.counters, refused: { ...store.refused } } };
};

const session = async (stream: Duplex, store: FilesStore): Promise<void> => {
  let upload: Upload | undefined;
  let skipping = false; // the current upload failed: drop its remaining chunks and its commit
  const reply = async (doc: { ok?: boolean; code?: string }): Promise<void> => {
    if (doc.ok === false) store.count(String(doc.code));
    await sendFrame(stream, jsonFrame(doc));
  };
  const onChunk = async (f: Chunk): Promise<void> => {
    if (skipping) return;
    const u = upload ?? fail('BAD_REQUEST', 'a chunk arrived outside an upload');
    try {
      await u.chunk(f);
    } catch (e) {
      await u.close();
      upload = undefined;
      skipping = true;
      await reply(errorReply(e, u.path.rel));
    }
  };
  const onRequest = async (req: FilesRequest): Promise<{ ok?: boolean; [k: string]: unknown }> => {
    if (req.op === 'commit') {
      const u = upload ?? fail('BAD_REQUEST', 'commit without an upload in progress; send begin first');
      upload = undefined;
      try { return { ok: true, ...(await u.commit()) }; } finally { await u.close(); }
    }
    if (req.op === 'partials') return partialsReply(store);
    if (req.op === 'rm-partial') return { ok: true, freedBytes: await store.partials.remove(req.uploadId) };
    const p = clientPath(store.rootReal, req.path);
    if (req.op === 'begin') {
      await upload?.close();
      upload = undefined;
      upload = await Upload.begin(store, p, req);
      return { ok: true, offset: upload.held, uploadId: upload.id };
    }
    if (req.op === 'mkdir') return makeDir(store, p, req.parents ?? false).then(() => ({ ok: true }));
    if (req.op === 'delete') return remove(store, p, req.recursive ?? false).then(() => ({ ok: true }));
    const real = await existingPath(store.rootReal, p);
    if (req.op === 'list') return { ok: true, entries: await listRecords(store.rootReal, real, p.rel, store.sums) };
    if (req.op === 'stat') return { ok: true, entry: await statRecord(p.rel.split('/').pop() || '/', real, store.sums) };
    await serveRead(stream, { rel: p.rel, real, offset: req.offset, length: req.length }, store.sums);
    return {}; // read sent its own reply and chunks
  };
  try {
    for await (const f of readFrames(stream)) {
      if (f.kind === 'chunk') { await onChunk(f); continue; }
      const skipped = skipping;
      skipping = false;
      if (skipped && f.value.op === 'commit') continue;
      const rel = typeof f.value.path === 'string' ? f.value.path : '';
      const out = await (async () => onRequest(parseRequest(f.value)))().catch((e: unknown) => errorReply(e, rel));
      if (out.ok !== undefined) await reply(out);
    }
  } finally {
    await upload?.close();
  }
  stream.end();
};
