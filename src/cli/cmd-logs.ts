// `skywire logs NODE [--follow] [--app APP]`: a node's recent log lines (or one app's), read on
// demand through the master (--home is the master's home) and printed as they come. Nothing is
// kept on the master; with --follow it runs until ^C. Output that the terminal or pipe cannot
// take at once holds the stream back (and the node counts what it had to skip).
import type { Command } from 'commander';
import { defaultHome } from '../node/home-dir.ts';
import { HOME_DEFAULT_HELP } from './home-option.ts';
import { controlPipe } from '../env/control-pipe.ts';
import { FrameDecoder, FrameType, parseJson } from '../term/frame.ts';
import { SkywireError } from '../errors.ts';

export const addLogsCommand = (program: Command): void => {
  program.command('logs <node>')
    .description('print NODE\'s recent log lines (or an app\'s with --app) through the master whose --home is given')
    .option('--home <dir>', `the master's home directory ${HOME_DEFAULT_HELP}`, defaultHome())
    .option('-f, --follow', 'keep printing new lines until interrupted')
    .option('--app <app>', 'the log of this app on the node instead of the node\'s own')
    .option('-n, --lines <n>', 'how many recent lines first (at most 2000)', '100')
    .action(async (node: string, o: { home: string; follow?: boolean; app?: string; lines: string }) => {
      const lines = Number(o.lines);
      if (!Number.isInteger(lines) || lines < 0) throw new SkywireError('BAD_REQUEST', `--lines ${o.lines}: give a whole number of lines, e.g. --lines 50`);
      const { sock } = await controlPipe(o.home, { cmd: 'logs', address: node, follow: o.follow === true, app: o.app, lines });
      const status = await new Promise<number>((resolve) => {
        const decoder = new FrameDecoder();
        let done = false;
        const finish = (code: number): void => { if (!done) { done = true; resolve(code); } };
        sock.on('data', (chunk: Buffer) => {
          for (const f of decoder.push(chunk)) {
            if (f.type === FrameType.Data) {
              if (!process.stdout.write(f.payload)) { sock.pause(); process.stdout.once('drain', () => sock.resume()); }
            } else if (f.type === FrameType.Exit) finish(0);
            else if (f.type === FrameType.Error) {
              process.stderr.write(`skywire: error [COMMAND_REFUSED]: ${String(parseJson(f.payload)?.message ?? 'the node refused')}\n`);
              finish(1);
            }
          }
          if (decoder.broken) finish(1);
        });
        sock.on('error', () => finish(1));
        sock.resume(); // controlPipe leaves it paused after the reply line
        sock.on('close', () => {
          if (!done) process.stderr.write('skywire: error [reset]: the log stream ended early (the node stopped, or its route went away); run the command again\n');
          finish(1);
        });
      });
      sock.destroy();
      process.stdout.write('', () => process.exit(status));
    });
};
