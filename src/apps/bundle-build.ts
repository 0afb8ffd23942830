// Packs an app directory into a bundle: src/ (code, dependencies, manifest.json) and config/
// (the default configuration shipped with the app). data/ never travels in a bundle: it
// belongs to the installed app on its node (an archive, archive-format.ts, carries it).
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { fail } from '../errors.ts';
import { BUNDLE_FORMAT, type TarFormat } from './bundle-format.ts';
import { sha256Hex } from './bundle-inflate.ts';
import { manifestOf } from './bundle-manifest.ts';
import { writeTar } from './bundle-tar.ts';
import { readTree } from './bundle-tree.ts';
import type { Manifest } from './manifest.ts';

export { bundleSha256 } from './bundle-inflate.ts';

export interface Packed {
  bytes: Buffer;
  sha256: string;
  manifest: Manifest;
  /** Regular files in it, not counting directories or the format marker. */
  files: number;
}

/** Packs `tops` of `dir` in `format`; shared with the archive. */
export const packDir = async (dir: string, format: TarFormat): Promise<Packed> => {
  if (!existsSync(join(dir, 'src'))) fail('APP_INVALID', `${dir} has no src/ directory: an app directory holds src/ (code and manifest.json) and optionally config/`);
  const entries = await readTree(dir, format.roots, format);
  const manifest = manifestOf(entries, dir);
  const bytes = writeTar(entries, format);
  return { bytes, sha256: sha256Hex(bytes), manifest, files: entries.filter((e) => e.type === 'file').length };
};

export const buildBundle = (dir: string): Promise<Packed> => packDir(dir, BUNDLE_FORMAT);
