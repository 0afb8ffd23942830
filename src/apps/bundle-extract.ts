// Unpacks a bundle (or, through archive-format.ts, an archive) received from elsewhere. The
// whole tar is checked before the first byte is written (bundle-parse.ts), including the
// manifest, so a refused bundle leaves the destination as empty as it was.
import { BUNDLE_FORMAT, DEFAULT_LIMITS, type Limits, type TarFormat } from './bundle-format.ts';
import { sha256Hex, unwrap } from './bundle-inflate.ts';
import { manifestOf } from './bundle-manifest.ts';
import { parseTar } from './bundle-parse.ts';
import { writeTree } from './bundle-write-tree.ts';
import type { Manifest } from './manifest.ts';

export interface ExtractOptions {
  /** Total bytes of file contents (default 512 MiB). */
  maxBytes?: number;
  /** Entries, files and directories (default 100 000). */
  maxFiles?: number;
}

export interface Extracted {
  manifest: Manifest;
  /** bundleSha256 of the input: of its tar bytes, even when it came gzip-wrapped. */
  sha256: string;
}

export const unpackInto = async (bytes: Uint8Array, dest: string, format: TarFormat, opts: ExtractOptions = {}): Promise<Extracted> => {
  const limits: Limits = { maxBytes: opts.maxBytes ?? DEFAULT_LIMITS.maxBytes, maxFiles: opts.maxFiles ?? DEFAULT_LIMITS.maxFiles };
  const tar = await unwrap(bytes, limits, format.label);
  const entries = parseTar(tar, format, limits);
  const manifest = manifestOf(entries, format.label);
  await writeTree(entries, dest);
  return { manifest, sha256: sha256Hex(tar) };
};

/** Into an empty (or not yet existing) `destDir`: src/ and, if shipped, config/. */
export const extractBundle = (bytes: Uint8Array, destDir: string, opts?: ExtractOptions): Promise<Extracted> =>
  unpackInto(bytes, destDir, BUNDLE_FORMAT, opts);
