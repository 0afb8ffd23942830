// Builds native/udp-batch (the batched UDP send, src/env/udp-batch.ts) with the node-gyp that
// npm carries, when its output is missing or older than its source. Optional: without a C
// compiler, or off Linux, the node sends each datagram with node:dgram instead, so a failed
// build prints one line and the install goes on.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../native/udp-batch/', import.meta.url));
const out = join(dir, 'build', 'Release', 'udp_batch.node');
const mtime = (f) => (existsSync(f) ? statSync(f).mtimeMs : 0);
const fresh = mtime(out) > Math.max(mtime(join(dir, 'udp-batch.c')), mtime(join(dir, 'binding.gyp')));

if (process.platform === 'linux' && !fresh) {
  // npm sets npm_config_node_gyp in lifecycle scripts; `node scripts/build.mjs` run by hand finds
  // the one beside npm.
  const gyp = [process.env.npm_config_node_gyp, join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')]
    .find((f) => f && existsSync(f));
  const env = { ...process.env };
  // Build against the installed Node's headers (Debian's nodejs puts them in /usr/include/node)
  // rather than download them.
  const headers = join(dirname(process.execPath), '..', 'include', 'node', 'node_api.h');
  if (!env.npm_config_nodedir && existsSync(headers)) env.npm_config_nodedir = join(dirname(process.execPath), '..');
  const r = gyp ? spawnSync(process.execPath, [gyp, 'rebuild'], { cwd: dir, env, encoding: 'utf8' }) : undefined;
  if (!r || r.status !== 0) {
    const why = !r ? 'node-gyp not found' : (r.stderr || r.stdout || '').trim().split('\n').filter((l) => /error/i.test(l))[0] ?? `node-gyp exited ${r.status}`;
    console.error(`skywire: note: native UDP batch send not built (${why}); the node sends one datagram per syscall instead`);
  }
}
