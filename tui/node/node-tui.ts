// `skywire node --tui` (and the local demo's screen): starts the node with its log going to the
// TUI's log pane, opens the screen, and stops the node cleanly when the user quits. Without a
// TTY it keeps the console log and adds plain status lines; SIGINT/SIGTERM stop it either way.
import { realClock } from '../../src/env/real-clock.ts';
import { consoleLogger, type Logger } from '../../src/cli/logger.ts';
import type { RunningNode } from '../../src/cli/run-node.ts';
import { LogBuffer } from '../log-buffer.ts';
import { openNodeScreen } from './node-screen.ts';
import { startPlainStatus } from './plain-status.ts';
import { exitAfter } from '../../src/cli/last-resort.ts';

export const isTty = (): boolean => process.stdout.isTTY === true && process.env.SKYWIRE_NO_TUI !== '1';

export const runWithNodeTui = async (start: (log: Logger) => Promise<RunningNode>): Promise<void> => {
  const wallMs = realClock().wallMs;
  const tty = isTty();
  const buffer = new LogBuffer(wallMs);
  const running = await start(tty ? buffer : consoleLogger(wallMs));
  const plain = tty ? undefined : startPlainStatus([running], wallMs);
  const quit = (why: string): void => {
    plain?.stop();
    exitAfter(running.stop(why), 0, () => (why === 'SIGHUP' ? hangUp() : process.exit(running.disk.status().ok ? 0 : 1)));
  };
  // SIGHUP: the terminal went away (a closed window, tmux kill-session); stop as cleanly as on q.
  // Then die of the signal itself: a normal exit would make node reset the dead terminal's mode,
  // and node 20 aborts on the EIO that gives (an assertion in ResetStdio).
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, () => quit(sig));
  if (tty) {
    await openNodeScreen(running, buffer, wallMs);
    quit('quit from the TUI');
  }
};

const hangUp = (): void => {
  process.removeAllListeners('SIGHUP');
  process.kill(process.pid, 'SIGHUP');
};
