// Run by test/app-limits.test.ts as an ordinary (non-root) user, as a developer's node would
// run: no cgroup is writable, no uid can be switched. Prints one JSON line of what happened.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSandboxed } from '../../src/env/sandbox-spawn.ts';
import { listenAppSocket } from '../../src/env/app-socket-listen.ts';
import { buildSdk } from '../../src/apps/sdk-build.ts';
import { collect, report, writeApp } from './app-fixtures.ts';

const home = mkdtempSync(join(tmpdir(), 'sky-unpriv-'));
try {
  const a = writeApp(home, { name: 'plain' }, { 'main.mjs': `
import fs from 'node:fs';
const status = fs.readFileSync('/proc/self/status', 'utf8');
console.log(JSON.stringify({ uid: process.getuid(), seccomp: /Seccomp:\\s+(\\d)/.exec(status)[1] }));
` });
  const sock = await listenAppSocket(a.paths.socket, (s) => s.end());
  const sdkFile = await buildSdk(join(home, 'sdk', 'app.mjs'));
  const out: Record<string, unknown> = { nodeUid: process.getuid?.() };
  try {
    spawnSandboxed({ paths: a.paths, manifest: a.manifest, sdkFile });
    out.strict = 'started';
  } catch (e) {
    out.strict = { code: (e as { code?: string }).code, message: (e as Error).message };
  }
  const proc = spawnSandboxed({ paths: a.paths, manifest: a.manifest, sdkFile, fallback: true });
  const r = await collect(proc);
  out.weak = proc.sandbox.weak;
  out.limits = proc.sandbox.limits;
  out.app = report(r);
  await sock.close();
  console.log(JSON.stringify(out));
} finally {
  rmSync(home, { recursive: true, force: true });
}
