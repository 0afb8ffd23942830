// The files protocol: one client per stream, requests answered in order.
//
// Frame:  u32 BE length L (1..MAX_FRAME) | u8 kind | L-1 bytes of body
//   kind 1 JSON:  a UTF-8 JSON object (a request, or a reply {ok:true,...} / {ok:false,code,message})
//   kind 2 CHUNK: u64 BE offset | u32 BE crc32 of the bytes | the bytes (at most CHUNK_BYTES)
//
// Requests (each gets exactly one JSON reply unless noted):
//   {op:'list',  path}                 -> {ok, entries: FileRecord[]}
//   {op:'stat',  path}                 -> {ok, entry: FileRecord}
//   {op:'read',  path, offset?, length?} -> {ok, size, offset, length, sha256?} then CHUNK frames
//                                         holding exactly `length` bytes (sha256 of the whole
//                                         file when the whole file is read)
//   {op:'mkdir', path, parents?}       -> {ok}
//   {op:'delete', path, recursive?}    -> {ok}   (a directory only when empty, or recursive)
//   {op:'begin', path, size, sha256, uploadId?}
//                                      -> {ok, offset, uploadId}: the bytes already held from an
//                                         earlier, cut-off upload of the same content (the one
//                                         named uploadId, else the one of this path, size and
//                                         sha256); send from there. The whole size is reserved
//                                         in the quota now (QUOTA_EXCEEDED if it does not fit);
//                                         FS_BUSY while another stream uploads the same path
//   CHUNK frames, in order from that offset (no reply each: a reply per chunk would cost a
//                                         round trip per chunk over a multi-hop route)
//   {op:'commit'}                      -> {ok, size, sha256} once the file is in place
//   {op:'partials'}                    -> {ok, partials: PartialInfo[], usage, counters}
//   {op:'rm-partial', uploadId}        -> {ok, freedBytes}  (FS_BUSY while it is being written)
// An upload (begin..commit) has one final reply: the commit's, or sooner the error that ended it
// (a chunk's FS_CHECKSUM, or a disk error). After such an error the server skips the upload's
// remaining chunks and its commit; any other request is served as usual.
// Paths are relative to the app's data directory ('' is its root), '/'-separated.
// A frame that cannot be parsed (bad length, kind or JSON) ends the stream: it cannot be resynced.
import { crc32 } from 'node:zlib';

export const CHUNK_BYTES = 256 * 1024;
export const MAX_FRAME = CHUNK_BYTES + 64 * 1024;
export const KIND_JSON = 1;
export const KIND_CHUNK = 2;
const CHUNK_HEAD = 12;

export interface FileRecord { name: string; type: 'file' | 'dir'; size: number; mtimeMs: number; sha256?: string }

export type Frame =
  | { kind: 'json'; value: Record<string, unknown> }
  | { kind: 'chunk'; offset: number; crc: number; bytes: Buffer };

export interface ErrorReply { ok: false; code: string; message: string }

export const jsonFrame = (value: object): Buffer => {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  const head = Buffer.alloc(5);
  head.writeUInt32BE(body.length + 1, 0);
  head[4] = KIND_JSON;
  return Buffer.concat([head, body]);
};

export const chunkFrame = (offset: number, bytes: Uint8Array, crc = crc32(bytes)): Buffer => {
  const head = Buffer.alloc(5 + CHUNK_HEAD);
  head.writeUInt32BE(1 + CHUNK_HEAD + bytes.length, 0);
  head[4] = KIND_CHUNK;
  head.writeBigUInt64BE(BigInt(offset), 5);
  head.writeUInt32BE(crc >>> 0, 13);
  return Buffer.concat([head, bytes]);
};

/** Decodes one frame body (kind byte first); null when it is malformed. */
export const decodeFrame = (body: Buffer): Frame | null => {
  if (body[0] === KIND_JSON) {
    try {
      const value: unknown = JSON.parse(body.subarray(1).toString('utf8'));
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? { kind: 'json', value: value as Record<string, unknown> } : null;
    } catch {
      return null;
    }
  }
  if (body[0] === KIND_CHUNK && body.length >= 1 + CHUNK_HEAD) {
    const offset = body.readBigUInt64BE(1);
    if (offset > BigInt(Number.MAX_SAFE_INTEGER)) return null;
    return { kind: 'chunk', offset: Number(offset), crc: body.readUInt32BE(9), bytes: body.subarray(1 + CHUNK_HEAD) };
  }
  return null;
};

export const checksumOk = (f: Extract<Frame, { kind: 'chunk' }>): boolean => crc32(f.bytes) === f.crc;
