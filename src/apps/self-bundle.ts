// The node's own software as a bundle, so it is deployed like an app (signed size and SHA-256,
// installed beside the running version, health-checked, committed or rolled back). The bundle's
// src/ is this package's tree without node_modules, tests or benchmarks, with src/version.ts set
// to the bundle's version; the node links node_modules from the package it runs now, so native
// modules are not shipped (their ABI is the machine's, not the bundle's).
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fail } from '../errors.ts';
import { buildBundle, type Packed } from './bundle-build.ts';
import { NATIVE_BUILD, packageRoot } from './package-files.ts';

/** The reserved app name under which the node's software travels. */
export const SOFTWARE_NAME = 'skywire';
// dist/web is the dashboard page: browser code, the same on every machine (the CLI bundle is
// not shipped: the new version runs from its sources until it is rebuilt).
const PARTS: readonly string[] = Object.freeze(['bin', 'src', 'dist/web', 'actors', 'machines', 'tui', 'simulator', 'scripts', 'scenarios', 'native', 'package.json', 'package-lock.json', 'tsconfig.json']);


/** Stages DIR/src as the software tree at `version`; returns DIR. Tests alter the stage. */
export const stageSelf = async (dir: string, version: string): Promise<string> => {
  if (!/^[0-9A-Za-z.+-]{1,64}$/.test(version)) fail('BAD_REQUEST', `software version "${version}" must be 1-64 letters, digits, dots, plus or minus signs`);
  const root = packageRoot();
  const src = join(dir, 'src');
  for (const p of PARTS) if (existsSync(join(root, p))) await cp(join(root, p), join(src, p), { recursive: true, verbatimSymlinks: true });
  // native/ travels as source only: a compiled addon belongs to the machine that built it.
  await rm(join(src, NATIVE_BUILD), { recursive: true, force: true });
  const versionFile = join(src, 'src', 'version.ts');
  const text = await readFile(versionFile, 'utf8');
  await writeFile(versionFile, text.replace(/export const SKYWIRE_VERSION = '[^']*';/, `export const SKYWIRE_VERSION = '${version}';`));
  await writeFile(join(src, 'manifest.json'), JSON.stringify({ name: SOFTWARE_NAME, version, entry: 'bin/skywire.js', health: { timeoutMs: 60_000 } }, null, 2) + '\n');
  return dir;
};

export const buildSelfBundle = async (version: string): Promise<Packed> => {
  const dir = await mkdtemp(join(tmpdir(), 'skywire-self-'));
  try {
    return await buildBundle(await stageSelf(dir, version));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
