// Turns a built-in app's TypeScript (src/apps/builtin/NAME/main.ts, importing the SDK by a
// relative path) into a plain-JS app directory: OUT/src/main.mjs and OUT/src/manifest.json,
// plus OUT/config/ when the app ships a default configuration. One ESM file with every
// dependency inlined, so the app runs from its own directory in the sandbox with the node's
// Node.js and no node_modules. The output is deterministic, so its bundle hash is too.
import type { BuildFailure } from 'esbuild';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail } from '../errors.ts';
import { readManifest } from './manifest.ts';
import { ESM_BUILD } from './package-files.ts';

export const BUILTIN_APPS = Object.freeze(['files', 'socks'] as const);
export type BuiltinName = (typeof BUILTIN_APPS)[number];

/** The sources sit beside this module; the CLI bundled into dist/ finds them from the repo. */
const defaultBuiltinDir = (): string => {
  const candidates = ['./builtin/', '../src/apps/builtin/'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  return candidates.find((d) => existsSync(d)) ?? candidates[0]!;
};

const claimSrc = async (dir: string): Promise<void> => {
  const names = await readdir(dir).catch((e: NodeJS.ErrnoException) =>
    e.code === 'ENOENT' ? [] : fail('FS_EXISTS', `cannot use ${dir} (${e.code}): build a built-in app into a new or empty directory`));
  if (names.length > 0) fail('FS_EXISTS', `${dir} is not empty: build a built-in app into a new or empty directory`);
  await mkdir(dir, { recursive: true });
};

const bundleEntry = async (entry: string, workDir: string): Promise<Uint8Array> => {
  // Loaded here, not at the top: every other CLI command starts without it.
  const { build } = await import('esbuild');
  try {
    const r = await build({
      // Comments in the output name sources relative to this, so the bytes do not depend on
      // where the repository is checked out.
      absWorkingDir: workDir,
      ...ESM_BUILD,
      entryPoints: [entry],
      write: false,
      outfile: 'main.mjs',
      // A bundled CommonJS dependency calls require(); ESM output needs one.
      banner: { js: "import { createRequire as __skywireRequire } from 'node:module'; const require = __skywireRequire(import.meta.url);" },
    });
    return r.outputFiles[0]!.contents;
  } catch (e) {
    const first = (e as BuildFailure).errors?.[0];
    const at = first?.location ? ` (${first.location.file}:${first.location.line})` : '';
    return fail('APP_INVALID', `${entry} does not build: ${first?.text ?? (e as Error).message}${at}`);
  }
};

export interface BuiltinOptions {
  /** Where the built-in apps' sources are (default src/apps/builtin); tests point it elsewhere. */
  builtinDir?: string;
}

export const buildBuiltinApp = async (name: BuiltinName, outDir: string, opts: BuiltinOptions = {}): Promise<string> => {
  if (!BUILTIN_APPS.includes(name)) fail('APP_NOT_FOUND', `"${name}" is not a built-in app (built-in: ${BUILTIN_APPS.join(', ')})`);
  const base = opts.builtinDir ?? defaultBuiltinDir();
  const appDir = join(base, name);
  const manifest = readManifest(appDir);
  const code = await bundleEntry(join(appDir, 'main.ts'), dirname(appDir));
  const src = join(outDir, 'src');
  await claimSrc(src);
  await writeFile(join(src, 'main.mjs'), code);
  // The source manifest may name main.ts; what runs is the bundle.
  await writeFile(join(src, 'manifest.json'), JSON.stringify({ ...manifest, entry: 'main.mjs' }, null, 2) + '\n');
  if (existsSync(join(appDir, 'config'))) await cp(join(appDir, 'config'), join(outDir, 'config'), { recursive: true });
  return outDir;
};
