// `skywire node`: run a real node until SIGINT/SIGTERM, then save state and exit 0.
import type { Command } from 'commander';
import { defaultHome } from '../node/home-dir.ts';
import { HOME_DEFAULT_HELP } from './home-option.ts';
import { realClock } from '../env/real-clock.ts';
import { consoleLogger, type Logger } from './logger.ts';
import { runNode, type RunningNode } from './run-node.ts';
import { defaultBootDir } from '../boot/boot-dir.ts';
import { exitAfter } from './last-resort.ts';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export const addNodeCommand = (program: Command): void => {
  program.command('node')
    .description('run a node on UDP; peers from --peer and HOME/config.json; --boot for first boot from the boot partition')
    .option('--home <dir>', `node home directory (identity, config.json, state, control socket) ${HOME_DEFAULT_HELP}`, defaultHome())
    .option('--listen <host:port>', 'UDP address to bind (default from config, else 0.0.0.0:7000)')
    .option('--peer <address@host:port>', 'a neighbour to link with (repeatable)', collect, [])
    .option('--accept-unknown', 'accept links from nodes not in the peer list')
    .option('--boot [dir]', 'read DIR/skywire/master.txt (default /boot/firmware, else /boot) and register with that master')
    .option('--boot-poll-ms <ms>', 'how often to re-read the boot file', '2000')
    .option('--heartbeat-ms <ms>', 'how often to report link and route changes to the master', '10000')
    .option('--kernel-guard', 'drop strangers\' packets over a rate in the kernel (nftables; needs root or CAP_NET_ADMIN)')
    .option('--tui', 'show the terminal UI (links, routes, master, log); plain status lines when stdout is not a TTY')
    .action(async (o: { home: string; listen?: string; peer: string[]; acceptUnknown?: boolean; boot?: string | true; bootPollMs: string; heartbeatMs: string; kernelGuard?: boolean; tui?: boolean }) => {
      const boot = o.boot === true ? defaultBootDir() : o.boot;
      const start = (log: Logger): Promise<RunningNode> => runNode({
        home: o.home, listen: o.listen, peer: o.peer, acceptUnknown: o.acceptUnknown, boot,
        bootPollMs: Number(o.bootPollMs), heartbeatMs: Number(o.heartbeatMs), kernelGuard: o.kernelGuard,
      }, log);
      // Loaded on demand: a headless node never parses blessed.
      if (o.tui) return (await import('../../tui/node/node-tui.ts')).runWithNodeTui(start);
      // Handlers first: a signal while the node is still starting (it logs "listening" before
      // its apps and SMS are up) waits for the start and then stops cleanly, instead of the
      // default action killing it with its lock and state unsaved (seen in CI under load).
      let running: RunningNode | undefined;
      let pending: NodeJS.Signals | undefined;
      // Exit 1 when some state could not be saved (logged with the file and errno).
      const stop = (r: RunningNode, sig: NodeJS.Signals): void => exitAfter(r.stop(sig), 0, () => process.exit(r.disk.status().ok ? 0 : 1));
      for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => (running ? stop(running, sig) : (pending ??= sig)));
      running = await start(consoleLogger(realClock().wallMs));
      if (pending) stop(running, pending);
    });
};
