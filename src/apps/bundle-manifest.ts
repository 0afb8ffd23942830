// The manifest of a bundle or archive, read from its entries rather than from disk, so that the
// build checks the very bytes it packs and the extraction refuses a bad app before writing it.
import { posix } from 'node:path';
import { fail } from '../errors.ts';
import { parseManifest, type Manifest } from './manifest.ts';
import type { TarEntry } from './bundle-tar.ts';

export const manifestOf = (entries: readonly TarEntry[], where: string): Manifest => {
  const file = (path: string) => entries.find((e): e is Extract<TarEntry, { type: 'file' }> => e.type === 'file' && e.path === path);
  const m = file('src/manifest.json');
  if (!m) return fail('MANIFEST_INVALID', `${where} has no src/manifest.json: an app's src/ needs a manifest.json with name, version and entry`);
  let doc: unknown;
  try {
    doc = JSON.parse(m.bytes.toString('utf8'));
  } catch (e) {
    return fail('MANIFEST_INVALID', `${where} src/manifest.json: not JSON (${(e as Error).message})`);
  }
  const manifest = parseManifest(doc, `${where} src/manifest.json`);
  if (!file(posix.join('src', manifest.entry))) fail('MANIFEST_INVALID', `${where} src/manifest.json: entry ${JSON.stringify(manifest.entry)} is not a file in src/ (build the app first, or fix "entry")`);
  return manifest;
};
