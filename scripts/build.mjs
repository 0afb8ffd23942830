// Bundles the CLI into dist/skywire.mjs (run by `npm install`/`npm ci` through "prepare").
// Why: loading ~300 TypeScript modules through tsx's loader thread takes ~0.9 s on a Xeon and
// several seconds on a Pi; the bundle starts in ~0.2 s. Native and optional packages stay
// external. bin/skywire.js uses the bundle only while it is newer than every source file.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/skywire.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['node-pty', 'serialport', '@serialport/*', 'blessed', 'wifi-control', 'esbuild'],
  // Bundled CommonJS packages call require(); ESM output needs one.
  banner: { js: "import { createRequire as __skywireRequire } from 'node:module'; const require = __skywireRequire(import.meta.url);" },
  logLevel: 'warning',
});
