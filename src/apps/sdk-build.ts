// Bundles the app SDK (src/apps/sdk/index.ts) into one plain ESM file that every sandbox gets
// read-only as node_modules/skywire/app.mjs. One file, no dependencies: the sandbox has no
// node_modules of the node's. The output depends only on the SDK sources and the esbuild
// version: no timestamps, no absolute paths (absWorkingDir is the package root), no sourcemap.
import { resolve } from 'node:path';
import { ESM_BUILD, packageRoot } from './package-files.ts';

export const buildSdk = async (outFile: string): Promise<string> => {
  // Loaded on first use: a node without apps never pays for esbuild.
  const { build } = await import('esbuild');
  // esbuild resolves a relative outfile against absWorkingDir (the package root), not the
  // caller's directory: a node started with a relative --home got its SDK written elsewhere.
  const out = resolve(outFile);
  await build({ ...ESM_BUILD, absWorkingDir: packageRoot(), entryPoints: ['src/apps/sdk/index.ts'], outfile: out });
  return out;
};
