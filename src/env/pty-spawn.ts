// A real pseudo-terminal running the user's login shell (node-pty). This is the only file that
// spawns a process for the terminal service; src/term sees just the Pty interface, so its
// framing and admission logic can be tested with a fake.
import { userInfo } from 'node:os';
import { existsSync } from 'node:fs';
import * as nodePty from 'node-pty';

export interface Pty {
  readonly pid: number;
  onData(cb: (bytes: Buffer) => void): void;
  /** After the last output was delivered (node-pty waits for the pty to drain). */
  onExit(cb: (e: { code: number | null; signal: number | null }) => void): void;
  write(bytes: Buffer): void;
  resize(cols: number, rows: number): void;
  pause(): void;
  resume(): void;
  kill(): void;
}

export interface PtyOptions { cols: number; rows: number; term?: string | undefined }
export type PtySpawner = (opts: PtyOptions) => Pty;

const loginShell = (): { shell: string; home: string } => {
  let shell: string | undefined;
  let home = process.env.HOME ?? '/';
  try {
    const u = userInfo();
    if (u.shell && existsSync(u.shell)) shell = u.shell;
    home = u.homedir || home;
  } catch { /* no passwd entry (containers): fall back */ }
  return { shell: shell ?? (process.env.SHELL && existsSync(process.env.SHELL) ? process.env.SHELL : '/bin/sh'), home };
};

export const spawnLoginShell: PtySpawner = (opts) => {
  const { shell, home } = loginShell();
  // Bytes, not strings: a UTF-8 sequence split across reads must reach the client unaltered.
  const p = nodePty.spawn(shell, [], {
    name: opts.term ?? 'xterm-256color',
    cols: opts.cols,
    rows: opts.rows,
    cwd: existsSync(home) ? home : '/',
    env: { ...process.env, HOME: home, SHELL: shell, TERM: opts.term ?? 'xterm-256color' } as Record<string, string>,
    encoding: null,
  });
  return {
    pid: p.pid,
    onData: (cb) => void p.onData((d) => cb(typeof d === 'string' ? Buffer.from(d, 'utf8') : Buffer.from(d))),
    onExit: (cb) => void p.onExit((e) => cb({ code: e.signal ? null : e.exitCode, signal: e.signal || null })),
    write: (b) => p.write(b),
    resize: (c, r) => {
      try { p.resize(c, r); } catch { /* the shell already exited */ }
    },
    pause: () => p.pause(),
    resume: () => p.resume(),
    kill: () => {
      try { p.kill('SIGHUP'); } catch { /* already gone */ }
    },
  };
};
