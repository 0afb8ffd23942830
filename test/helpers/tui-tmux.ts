// Drives a TUI in a detached tmux session (80x24 unless asked): type keys, read the screen as text.
import { execFileSync, spawnSync } from 'node:child_process';

export const hasTmux = (): boolean => spawnSync('tmux', ['-V']).status === 0;

export interface Tmux { name: string; keys(...k: string[]): void; screen(): string; until(re: RegExp, ms?: number): Promise<string>; resize(cols: number, rows: number): void; kill(): void }

// Unicode borders in captures (blessed draws ACS line characters otherwise). The installed CLI
// (the bundle), as everywhere in the tests: set here because the command runs in the tmux
// server's environment, which need not be this process's.
const ENV = 'NCURSES_NO_UTF8_ACS=1 LANG=C.UTF-8 SKYWIRE_FROM_BUNDLE=1';

export const startTmux = (label: string, command: string, cols = 80, rows = 24): Tmux => {
  const name = `sky-${label}-${process.pid}`;
  execFileSync('tmux', ['new-session', '-d', '-s', name, '-x', String(cols), '-y', String(rows), `${ENV} ${command}; sleep 60`]);
  const screen = (): string => execFileSync('tmux', ['capture-pane', '-p', '-t', name], { encoding: 'utf8' });
  return {
    name, screen,
    keys: (...k) => void execFileSync('tmux', ['send-keys', '-t', name, ...k]),
    until: async (re, ms = 15_000) => {
      const end = Date.now() + ms;
      for (;;) {
        const s = screen();
        if (re.test(s)) return s;
        if (Date.now() > end) throw new Error(`screen never matched ${re}:\n${s}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    resize: (cols, rows) => void execFileSync('tmux', ['resize-window', '-t', name, '-x', String(cols), '-y', String(rows)]),
    kill: () => void spawnSync('tmux', ['kill-session', '-t', name]),
  };
};

/** Skip without tmux, except in CI where a missing tmux must fail the run. */
export const tmuxOrSkip = (): string | undefined => (hasTmux() ? undefined : process.env.CI === 'true' ? undefined : 'tmux is not installed');

const WORD = /[\p{L}\p{N}]/u;

/**
 * The lines of a capture that look cut: a letter or digit right against a box's right border
 * (│ or a label's ┐) or in the screen's last column. The TUIs leave a free column before every
 * edge (text is wrapped at spaces or shortened with '…'), so a word touching one was cut by it.
 */
export const cutLines = (capture: string, cols: number): string[] => capture.split('\n').filter((line) => {
  const c = [...line];
  if (c.length >= cols && WORD.test(c[cols - 1]!)) return true;
  return c.some((ch, i) => i > 0 && (ch === '│' || ch === '┐') && WORD.test(c[i - 1]!));
});
