// Whether dist/ holds a bundle built after every source file (the rule bin/skywire.js applies),
// and building it when not, so tests never run a stale installed CLI.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();
const bundle = join(root, 'dist', 'skywire.mjs');

const newest = (dir: string): number => {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
};

export const bundleFresh = (): boolean => {
  if (!existsSync(bundle) || !existsSync(join(root, 'dist', 'sim-worker.mjs'))) return false;
  const built = statSync(bundle).mtimeMs;
  return ['src', 'actors', 'machines', 'simulator', 'tui'].map((d) => join(root, d)).filter((d) => existsSync(d))
    .every((d) => newest(d) <= built) && statSync(join(root, 'package.json')).mtimeMs <= built;
};

export const ensureFreshBundle = (): void => {
  if (bundleFresh()) return;
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`npm run build failed: ${r.stderr}`);
};
