// Bundles the CLI into dist/skywire.mjs (run by `npm install`/`npm ci` through "prepare").
// Why: loading ~300 TypeScript modules through tsx's loader thread takes ~0.9 s on a Xeon and
// several seconds on a Pi; the bundle starts in ~0.2 s. Native and optional packages stay
// external. bin/skywire.js uses the bundle only while it is newer than every source file.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// The `sim run --watch` worker is forked as its own process (tui/sim/sim-source.ts), so it is a
// second bundle beside the CLI: dist/sim-worker.mjs.
mkdirSync(join(root, 'dist'), { recursive: true });
// The master's web dashboard (src/web/page): one browser bundle, its CSS and index.html in
// dist/web, served by the master from there. No CDN: everything the page loads is in it.
const web = join(root, 'dist', 'web');
mkdirSync(web, { recursive: true });
const page = await build({
  absWorkingDir: root,
  entryPoints: ['src/web/page/main.ts'],
  outfile: 'dist/web/app.js',
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: ['chrome110', 'firefox110', 'safari16'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
});
for (const f of page.outputFiles) {
  const tmp = `${f.path}.${process.pid}.tmp`;
  writeFileSync(tmp, f.contents);
  renameSync(tmp, f.path);
}
writeFileSync(join(web, 'index.html'), readFileSync(join(root, 'src', 'web', 'page', 'index.html')));

// The CLI goes last: bin/skywire.js takes its mtime as the time the whole build was made.
const entries = [['tui/sim/sim-worker.ts', 'dist/sim-worker.mjs'], ['src/cli/main.ts', 'dist/skywire.mjs']];
for (const [entry, outfile] of entries) await build({
  absWorkingDir: root,
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['node-pty', 'serialport', '@serialport/*', 'blessed', 'wifi-control', 'esbuild', 'sodium-native', 'ws'],
  // Bundled CommonJS packages call require(); ESM output needs one.
  banner: { js: "import { createRequire as __skywireRequire } from 'node:module'; const require = __skywireRequire(import.meta.url);" },
  logLevel: 'warning',
  // Written whole and renamed into place: a node or test starting meanwhile loads the old
  // bundle or the new one, never half of one.
  write: false,
}).then((r) => {
  const tmp = `${join(root, outfile)}.${process.pid}.tmp`;
  writeFileSync(tmp, r.outputFiles[0].contents);
  renameSync(tmp, join(root, outfile));
});

await import('./build-native.mjs');
