// Bundles the app SDK (src/apps/sdk/index.ts) into one plain ESM file that every sandbox gets
// read-only as node_modules/skywire/app.mjs. One file, no dependencies: the sandbox has no
// node_modules of the node's. The output depends only on the SDK sources and the esbuild
// version: no timestamps, no absolute paths (absWorkingDir is the package root), no sourcemap.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { fail } from '../errors.ts';

/** From the sources this file sits beside the SDK; from the CLI bundle (dist/skywire.mjs) the
 *  package root is one level up. */
const packageRoot = (): string => {
  const candidates = [new URL('../..', import.meta.url), new URL('..', import.meta.url)].map((u) => fileURLToPath(u));
  return candidates.find((r) => existsSync(`${r}/src/apps/sdk/index.ts`))
    ?? fail('INTERNAL', `the SDK sources (src/apps/sdk/index.ts) are not installed beside ${fileURLToPath(import.meta.url)}; reinstall skywire`);
};

export const buildSdk = async (outFile: string): Promise<string> => {
  await build({
    absWorkingDir: packageRoot(),
    entryPoints: ['src/apps/sdk/index.ts'],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: false,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
  });
  return outFile;
};
