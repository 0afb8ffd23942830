// get on the client side: writes beside the target and renames once the SHA-256 matches, so a
// cut-off download never leaves a torn file under the real name.
import { createHash } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { SkywireError } from '../../../errors.ts';
import { checksumOk, jsonFrame } from './files-protocol.ts';
import type { FilesWire } from './files-wire.ts';
import { localError as local, type GetResult, type Progress } from './client-common.ts';

export const getFile = async (wire: FilesWire, remote: string, file: string, onProgress?: Progress): Promise<GetResult> => {
  await wire.send(jsonFrame({ op: 'read', path: remote }));
  const r = await wire.reply();
  const length = Number(r.length);
  const part = `${file}.part`;
  const fh = await open(part, 'w').catch((e: unknown) => { wire.abort(); throw local(e, part); });
  const h = createHash('sha256');
  try {
    onProgress?.(0, length);
    for (let got = 0; got < length;) {
      const f = await wire.next();
      if (f.kind !== 'chunk' || f.offset !== got || !checksumOk(f)) {
        throw new SkywireError('FS_CHECKSUM', `"${remote}" arrived damaged at offset ${got}; get it again`);
      }
      await fh.write(f.bytes, 0, f.bytes.length, got);
      h.update(f.bytes);
      got += f.bytes.length;
      onProgress?.(got, length);
    }
    await fh.sync();
  } catch (e) {
    wire.abort(); // the rest of the file may still be in flight: this stream cannot go on
    await fh.close();
    await unlink(part).catch(() => {});
    throw local(e, part);
  }
  await fh.close();
  const sha256 = h.digest('hex');
  if (typeof r.sha256 === 'string' && r.sha256 !== sha256) {
    await unlink(part).catch(() => {});
    throw new SkywireError('FS_CHECKSUM', `"${remote}" arrived with sha256 ${sha256}, not the server's ${r.sha256}; get it again`);
  }
  await rename(part, file);
  return { size: length, sha256 };
};
