// put on the client side: hashes the local file, asks the server how much of that content it
// already holds (begin), and sends only the rest, so running a cut-off put again resumes it.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { SkywireError } from '../../../errors.ts';
import { CHUNK_BYTES, chunkFrame, jsonFrame, type Frame } from './files-protocol.ts';
import { checkReply, type FilesWire } from './files-wire.ts';
import { localError as local, type Progress, type PutResult } from './client-common.ts';

const hashFile = async (file: string): Promise<string> => {
  const h = createHash('sha256');
  for await (const c of createReadStream(file)) h.update(c as Buffer);
  return h.digest('hex');
};

export const putFile = async (wire: FilesWire, file: string, remote: string, onProgress?: Progress): Promise<PutResult> => {
  const st = await stat(file).catch((e: unknown) => { throw local(e, file); });
  if (!st.isFile()) throw new SkywireError('BAD_REQUEST', `local ${file} is not a file`);
  const size = st.size;
  const sha256 = await hashFile(file).catch((e: unknown) => { throw local(e, file); });
  await wire.send(jsonFrame({ op: 'begin', path: remote, size, sha256 }));
  const resumedAt = Number((await wire.reply()).offset);
  // The upload's final reply may come early (a refused chunk): watch for it while sending.
  let final: { frame?: Frame; error?: unknown } | undefined;
  const settled = wire.next().then((frame) => { final = { frame }; }, (error: unknown) => { final = { error }; });
  let pos = resumedAt;
  onProgress?.(pos, size);
  try {
    if (pos < size) {
      for await (const c of createReadStream(file, { start: pos, end: size - 1, highWaterMark: CHUNK_BYTES })) {
        if (final) break;
        await wire.send(chunkFrame(pos, c as Buffer));
        pos += (c as Buffer).length;
        onProgress?.(pos, size);
      }
    }
    if (!final) await wire.send(jsonFrame({ op: 'commit' }));
  } catch (e) {
    wire.abort();
    if (final?.frame) checkReply(final.frame); // the server's reason, if it gave one, comes first
    throw local(e, file);
  }
  await settled;
  if (final?.error) throw final.error;
  checkReply(final!.frame!);
  return { size, sha256, resumedAt, sent: pos - resumedAt };
};
