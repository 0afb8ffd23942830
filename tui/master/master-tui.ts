// `skywire master --tui` and the local demo's screen: the master's log goes to the TUI, the
// fleet screen opens, and quitting stops everything cleanly. Without a TTY: plain status lines.
import { realClock } from '../../src/env/real-clock.ts';
import { consoleLogger, type Logger } from '../../src/cli/logger.ts';
import type { RunningMaster } from '../../src/cli/run-master.ts';
import { nodesView } from '../../src/master/fleet-view.ts';
import { LogBuffer } from '../log-buffer.ts';
import { isTty } from '../node/node-tui.ts';
import { startPlainStatus } from '../node/plain-status.ts';
import { openMasterScreen } from './master-screen.ts';
import { exitAfter } from '../../src/cli/last-resort.ts';

export interface MasterTuiOptions { home: () => string; start: (log: Logger) => Promise<RunningMaster>; stop?: (why: string) => Promise<void> }

export const runWithMasterTui = async (o: MasterTuiOptions): Promise<void> => {
  const wallMs = realClock().wallMs;
  const tty = isTty();
  const buffer = new LogBuffer(wallMs);
  const running = await o.start(tty ? buffer : consoleLogger(wallMs));
  const out = (s: string): void => void process.stdout.write(s);
  const plain = tty ? undefined : startPlainStatus([running], wallMs, 5000, (s) => {
    const all = nodesView(running.master);
    out(`fleet ${all.length} nodes, ${all.filter((n) => n.online).length} online\n${s}`);
  });
  let quitting = false;
  const quit = (why: string): void => {
    if (quitting) return;
    quitting = true;
    plain?.stop();
    exitAfter((o.stop ?? ((w) => running.stop(w)))(why), 0, () => (why === 'SIGHUP' ? hangUp() : process.exit(running.disk.status().ok ? 0 : 1)));
  };
  // SIGHUP: the terminal went away (a closed window, tmux kill-session); stop as cleanly as on q.
  // Then die of the signal itself: a normal exit would make node reset the dead terminal's mode,
  // and node 20 aborts on the EIO that gives (an assertion in ResetStdio).
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, () => quit(sig));
  if (tty) {
    await openMasterScreen(running, o.home(), buffer, wallMs);
    quit('quit from the TUI');
  }
};

const hangUp = (): void => {
  process.removeAllListeners('SIGHUP');
  process.kill(process.pid, 'SIGHUP');
};
