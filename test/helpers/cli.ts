// Runs the real `skywire` binary as a user would, in child processes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { ensureFreshBundle } from './bundle.ts';
import { tempDir } from './temp-dirs.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = join(process.cwd(), 'bin', 'skywire.js');

// Tests run the installed CLI (dist/skywire.mjs, built by `npm install` and again by `npm test`),
// not the sources: every child started from here or inheriting this environment loads the
// bundle. A test file run on its own in an edited tree rebuilds a stale bundle first (the build
// renames the finished files into place, so a concurrent reader never sees half of one).
ensureFreshBundle();
process.env.SKYWIRE_FROM_BUNDLE = '1';

export const tmpHome = (label: string): string => tempDir(`sky-${label}-`);

export const sky = (...args: string[]): { code: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

export interface Daemon { proc: ChildProcess; output: () => string; exited: Promise<number | null> }

export const skyDaemon = (...args: string[]): Daemon => {
  const proc = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  proc.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
  // 'close', not 'exit': exit can come before the last of stdout and stderr has been read.
  const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)));
  return { proc, output: () => out, exited };
};

/** Polls fn until it returns a value (not undefined) or the deadline passes. */
export const until = async <T>(fn: () => T | undefined | Promise<T | undefined>, ms: number, what: string): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch { /* not yet */ }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};
