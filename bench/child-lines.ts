// Child processes for the process-level benches: spawn, watch stdout line by line, wait for a
// pattern with a deadline, and make sure every child dies with the bench (even on a throw).
import { spawn, type ChildProcess } from 'node:child_process';

export interface Line { text: string; atMs: number }
export interface Watched { proc: ChildProcess; lines: Line[]; spawnedAtMs: number; waitFor(re: RegExp, ms: number): Promise<Line> }

const live = new Set<ChildProcess>();
const killAll = (): void => { for (const p of live) p.kill('SIGKILL'); };
process.once('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => { killAll(); process.exit(130); });

/** Spawns `node ...args`; Date.now() just before spawn is the start the figures count from. */
export const spawnWatched = (args: string[], cwd: string): Watched => {
  const lines: Line[] = [];
  const waiters = new Set<() => void>();
  const spawnedAtMs = Date.now();
  const proc = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  proc.once('exit', () => { live.delete(proc); for (const w of waiters) w(); });
  let buf = '';
  const onChunk = (c: Buffer): void => {
    buf += c.toString('utf8');
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push({ text: buf.slice(0, i), atMs: Date.now() });
      buf = buf.slice(i + 1);
    }
    for (const w of waiters) w();
  };
  proc.stdout!.on('data', onChunk);
  proc.stderr!.on('data', onChunk);
  const waitFor = (re: RegExp, ms: number): Promise<Line> => new Promise((res, rej) => {
    const check = (): void => {
      const hit = lines.find((l) => re.test(l.text));
      if (hit) { done(); res(hit); } else if (proc.exitCode !== null || proc.signalCode !== null) { done(); rej(new Error(`exited before ${re}: ${lines.map((l) => l.text).join('\n')}`)); }
    };
    const timer = setTimeout(() => { done(); rej(new Error(`no ${re} within ${ms} ms: ${lines.map((l) => l.text).join('\n')}`)); }, ms);
    const done = (): void => { clearTimeout(timer); waiters.delete(check); };
    waiters.add(check);
    check();
  });
  return { proc, lines, spawnedAtMs, waitFor };
};

/** Wall ms from spawn to exit of `node ...args` (the process-start baselines). */
export const timeToExit = (args: string[], cwd: string, ms = 30_000): Promise<number> => {
  const w = spawnWatched(args, cwd);
  return new Promise((res, rej) => {
    const timer = setTimeout(() => { w.proc.kill('SIGKILL'); rej(new Error(`${args.join(' ')} still running after ${ms} ms`)); }, ms);
    w.proc.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) res(Date.now() - w.spawnedAtMs);
      else rej(new Error(`${args.join(' ')} exited ${code}: ${w.lines.map((l) => l.text).join('\n')}`));
    });
  });
};

/** The ISO timestamp a consoleLogger line starts with, as wall ms (the node's own clock). */
export const logTime = (l: Line): number => Date.parse(l.text.slice(0, 24));

export const stats = (xs: number[]): { min: number; median: number; max: number } => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0]!, median: s[Math.floor(s.length / 2)]!, max: s[s.length - 1]! };
};
