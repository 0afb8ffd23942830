// Runs a program for a master's `exec` command: no shell (argv goes straight to execve), output
// capped per stream, a hard time limit (SIGKILL), and always an answer, even when the program
// cannot be started. Real processes and timers, so it lives in src/env.
import { spawn } from 'node:child_process';

export interface ExecRequest { command: string; args: string[]; timeoutMs: number; maxOutputBytes: number; cwd?: string | undefined }
export interface ExecResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
  timedOut: boolean;
  durationMs: number;
  error?: string;
}

export const runProcess = (r: ExecRequest): Promise<ExecResult> => new Promise((resolve) => {
  const t0 = Date.now();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let outLen = 0;
  let errLen = 0;
  let truncated = false;
  let timedOut = false;
  const child = spawn(r.command, r.args, { cwd: r.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const take = (into: Buffer[], len: number, c: Buffer): number => {
    const room = r.maxOutputBytes - len;
    if (c.length > room) truncated = true;
    if (room > 0) into.push(c.subarray(0, room));
    return len + Math.min(c.length, Math.max(0, room));
  };
  child.stdout.on('data', (c: Buffer) => { outLen = take(out, outLen, c); });
  child.stderr.on('data', (c: Buffer) => { errLen = take(err, errLen, c); });
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, r.timeoutMs);
  const done = (exitCode: number | null, signal: string | null, error?: string): void => {
    clearTimeout(timer);
    resolve({
      exitCode, signal, truncated, timedOut, durationMs: Date.now() - t0,
      stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'),
      ...(error === undefined ? {} : { error }),
    });
  };
  child.on('error', (e: NodeJS.ErrnoException) => done(null, null, `cannot run ${r.command}: ${e.code ?? e.message}`));
  child.on('close', (code, signal) => done(code, signal));
});
