#!/usr/bin/env node
// Starts the CLI from dist/skywire.mjs (built by `npm install`, ~0.2 s to start) when it is newer
// than every source file, else from the TypeScript sources through tsx (~1 s): an edited tree
// never runs stale code. SKYWIRE_FROM_SOURCE=1 forces the sources; SKYWIRE_FROM_BUNDLE=1 forces
// the bundle (tests of the installed CLI), and says so when there is none.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'dist', 'skywire.mjs');

const newestSource = (dir) => {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
};

const fresh = () => {
  if (process.env.SKYWIRE_FROM_BUNDLE === '1') {
    if (existsSync(bundle)) return true;
    process.stderr.write(`skywire: error [INSTALL_BROKEN]: ${bundle} is missing: run "npm install" (or "npm run build") in ${root}\n`);
    process.exit(1);
  }
  if (process.env.SKYWIRE_FROM_SOURCE === '1' || !existsSync(bundle)) return false;
  const built = statSync(bundle).mtimeMs;
  const dirs = ['src', 'actors', 'machines', 'simulator', 'tui'].map((d) => join(root, d)).filter((d) => existsSync(d));
  return dirs.every((d) => newestSource(d) <= built) && statSync(join(root, 'package.json')).mtimeMs <= built;
};

// Software updates (src/apps/self-update.ts): a node or master whose HOME/software/state.json
// names a trial or a committed version runs that version's bin/skywire.js instead of this one.
// The trial runs once; if it is found still uncommitted at the next start it failed (crashed,
// or exited for missing its health deadline), and the previous version runs again.
const softwareChild = () => {
  if (process.env.SKYWIRE_SOFTWARE || !['node', 'master'].includes(process.argv[2] ?? '')) return undefined;
  const i = process.argv.findIndex((a) => a === '--home' || a.startsWith('--home='));
  if (i < 0) return undefined;
  const home = process.argv[i].startsWith('--home=') ? process.argv[i].slice(7) : process.argv[i + 1];
  const file = join(home ?? '', 'software', 'state.json');
  if (!home || !existsSync(file)) return undefined;
  let s;
  try { s = JSON.parse(readFileSync(file, 'utf8')); } catch { return undefined; }
  const save = (next) => { writeFileSync(`${file}.tmp`, JSON.stringify(next)); renameSync(`${file}.tmp`, file); };
  let version = s.current;
  let trial = false;
  if (s.trial && s.attempts === 0) {
    save({ ...s, attempts: 1 });
    version = s.trial;
    trial = true;
  } else if (s.trial) {
    process.stderr.write(`skywire: software ${s.trial} did not become healthy; back to ${s.current ?? 'the installed package'}\n`);
    save({ current: s.current, trial: null, attempts: 0, failed: s.trial });
  }
  const bin = version ? join(home, 'software', version, 'bin', 'skywire.js') : undefined;
  if (!bin || !existsSync(bin)) return undefined;
  const env = { ...process.env, SKYWIRE_SOFTWARE: version, ...(trial ? { SKYWIRE_SOFTWARE_TRIAL: '1' } : {}) };
  // A deployed version is a source tree (no dist/): it runs through tsx whatever this one ran.
  delete env.SKYWIRE_FROM_BUNDLE;
  return spawn(process.execPath, [bin, ...process.argv.slice(2)], { stdio: 'inherit', env });
};

const child = softwareChild();
if (child) {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
} else if (fresh()) {

  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
