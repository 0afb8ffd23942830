// Bundles are written uncompressed (see bundle-format.ts), but one may travel gzip-wrapped
// (`gzip -9 app.skybundle` before a slow link). The identity of a bundle is the sha256 of its
// tar bytes, so a wrapped copy is unwrapped first and names the same bundle. Inflation is
// capped: a few KiB of gzip must not become gigabytes in the node's memory.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gunzipSync, type ZlibOptions } from 'node:zlib';
import { fail } from '../errors.ts';
import { DEFAULT_LIMITS, tarSizeBound, type Limits } from './bundle-format.ts';

const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

const refused = (e: unknown, cap: number, label: string): never => {
  const err = e as NodeJS.ErrnoException;
  return err.code === 'ERR_BUFFER_TOO_LARGE'
    ? fail('BUNDLE_INVALID', `gzip-wrapped ${label} inflates to more than ${cap} bytes, past its size limit`)
    : fail('BUNDLE_INVALID', `gzip-wrapped ${label} is corrupt or truncated (${err.message}): copy it again`);
};

const asBuffer = (b: Uint8Array): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** The tar bytes of `bytes`, inflating a gzip wrapper off the main thread. */
export const unwrap = async (bytes: Uint8Array, limits: Limits, label: string): Promise<Buffer> => {
  const cap = tarSizeBound(limits);
  if (!isGzip(bytes)) return asBuffer(bytes);
  const opts: ZlibOptions = { maxOutputLength: cap };
  try {
    return await promisify(gunzip)(bytes, opts);
  } catch (e) {
    return refused(e, cap, label);
  }
};

const unwrapSync = (bytes: Uint8Array): Buffer => {
  if (!isGzip(bytes)) return asBuffer(bytes);
  const cap = tarSizeBound(DEFAULT_LIMITS);
  try {
    return gunzipSync(bytes, { maxOutputLength: cap });
  } catch (e) {
    return refused(e, cap, 'bundle');
  }
};

export const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The identity of a bundle or archive: sha256 of its tar bytes (what `sha256sum` prints for
 *  the file `skywire app build` wrote), the same for a gzip-wrapped copy. */
export const bundleSha256 = (bytes: Uint8Array): string => sha256Hex(unwrapSync(bytes));
