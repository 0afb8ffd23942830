// `skywire node`: run a real node until SIGINT/SIGTERM, then save state and exit 0.
import type { Command } from 'commander';
import { realClock } from '../env/real-clock.ts';
import { consoleLogger } from './logger.ts';
import { runNode } from './run-node.ts';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export const addNodeCommand = (program: Command): void => {
  program.command('node')
    .description('run a node on UDP; peers from --peer and HOME/config.json')
    .requiredOption('--home <dir>', 'node home directory (identity, config.json, state, control socket)')
    .option('--listen <host:port>', 'UDP address to bind (default from config, else 0.0.0.0:7000)')
    .option('--peer <address@host:port>', 'a neighbour to link with (repeatable)', collect, [])
    .option('--accept-unknown', 'accept links from nodes not in the peer list')
    .action(async (o: { home: string; listen?: string; peer: string[]; acceptUnknown?: boolean }) => {
      const log = consoleLogger(realClock().wallMs);
      const running = await runNode({ home: o.home, listen: o.listen, peer: o.peer, acceptUnknown: o.acceptUnknown }, log);
      for (const sig of ['SIGINT', 'SIGTERM'] as const) {
        process.once(sig, () => void running.stop(sig).then(() => process.exit(0)));
      }
    });
};
