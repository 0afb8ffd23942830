// Serves `read`: one reply with the size (and the whole file's SHA-256 when the whole file is
// asked for), then the bytes as checksummed chunks. Everything comes from one open handle, so a
// file replaced meanwhile is read whole from its old inode, never mixed with the new one.
import { open } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { fail } from '../../../errors.ts';
import { CHUNK_BYTES, chunkFrame, jsonFrame } from './files-protocol.ts';
import { sendFrame } from './frame-stream.ts';
import { fileSha256, type SumCache } from './sum-cache.ts';

export interface ReadArgs { rel: string; real: string; offset?: number | undefined; length?: number | undefined }

export const serveRead = async (stream: Duplex, a: ReadArgs, sums: SumCache): Promise<void> => {
  const fh = await open(a.real, 'r');
  try {
    const st = await fh.stat();
    if (!st.isFile()) fail('BAD_REQUEST', `"${a.rel}" is a directory; list it instead`);
    const offset = a.offset ?? 0;
    if (offset > st.size) fail('BAD_REQUEST', `offset ${offset} is beyond the end of "${a.rel}" (${st.size} bytes)`);
    const length = Math.min(a.length ?? st.size, st.size - offset);
    const sha256 = offset === 0 && length === st.size ? await fileSha256(sums, a.real, fh) : undefined;
    await sendFrame(stream, jsonFrame({ ok: true, size: st.size, offset, length, ...(sha256 ? { sha256 } : {}) }));
    // From here on the reply is sent: a failure can only end the stream, not become a reply.
    try {
      for (let pos = offset; pos < offset + length;) {
        const buf = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, offset + length - pos));
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        if (bytesRead === 0) throw new Error('file shrank while being read');
        await sendFrame(stream, chunkFrame(pos, buf.subarray(0, bytesRead)));
        pos += bytesRead;
      }
    } catch {
      stream.destroy();
    }
  } finally {
    await fh.close();
  }
};
