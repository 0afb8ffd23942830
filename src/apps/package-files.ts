// Where this package's own files are at run time, and the esbuild options every build of app
// code shares. From the sources, files sit at src/apps/; from the CLI bundle (dist/skywire.mjs)
// one level below the root: both layouts are tried.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail } from '../errors.ts';

/** Where npm install builds the batched-UDP addon (scripts/build-native.mjs), under the root. */
export const NATIVE_BUILD = join('native', 'udp-batch', 'build');
export const NATIVE_SOURCE = join('native', 'udp-batch', 'udp-batch.c');

export const packageRoot = (): string => {
  const candidates = [new URL('../..', import.meta.url), new URL('..', import.meta.url)].map((u) => fileURLToPath(u));
  return candidates.find((r) => existsSync(join(r, 'bin', 'skywire.js')) && existsSync(join(r, 'src', 'apps', 'sdk', 'index.ts')))
    ?? fail('INTERNAL', `the skywire package (bin/, src/) is not installed beside ${fileURLToPath(import.meta.url)}; reinstall skywire`);
};

/** Deterministic single-file ESM for Node 20: the bytes depend only on the sources and the
 *  esbuild version (no timestamps, sourcemaps or license banners; paths relative to the
 *  caller's absWorkingDir). */
export const ESM_BUILD = Object.freeze({
  bundle: true, platform: 'node', format: 'esm', target: 'node20', sourcemap: false, legalComments: 'none', charset: 'utf8', logLevel: 'silent',
} as const);
