// `skywire term <node>`: a shell on NODE through the master this command talks to (--home is
// the master's home). The local tty goes raw so every key (^C, ^Z, arrows) reaches the remote
// shell; window changes follow; the exit status is the remote shell's.
import type { Command } from 'commander';
import { defaultHome } from '../node/home-dir.ts';
import { HOME_DEFAULT_HELP } from './home-option.ts';
import { controlPipe } from '../env/control-pipe.ts';
import { runTermClient } from '../term/term-client.ts';
import { addForwardCommand } from './cmd-forward.ts';

const size = (): { cols: number; rows: number } =>
  process.stdout.isTTY ? { cols: process.stdout.columns, rows: process.stdout.rows } : { cols: 80, rows: 24 };

export const addTermCommands = (program: Command): void => {
  program.command('term <node>')
    .description('open a shell on NODE (a real PTY) through the master whose --home is given')
    .option('--home <dir>', `the master's home directory ${HOME_DEFAULT_HELP}`, defaultHome())
    .action(async (node: string, o: { home: string }) => {
      const { cols, rows } = size();
      const { sock } = await controlPipe(o.home, { cmd: 'term', address: node, cols, rows, term: process.env.TERM });
      const tty = process.stdin.isTTY === true;
      if (tty) process.stdin.setRawMode(true);
      const restore = (): void => { if (tty) process.stdin.setRawMode(false); };
      process.once('exit', restore); // also on an unexpected exit: never leave the user's tty raw
      const status = await runTermClient(sock, {
        input: process.stdin,
        output: process.stdout,
        errors: process.stderr,
        inputIsTty: tty,
        onResize: (cb) => void process.on('SIGWINCH', () => { const s = size(); cb(s.cols, s.rows); }),
      });
      restore();
      sock.destroy();
      // Exit once stdout has flushed, so piped output is not cut short.
      process.stdout.write('', () => process.exit(status));
    });
  addForwardCommand(program);
};
