// `skywire master`: run the master node until SIGINT/SIGTERM.
import type { Command } from 'commander';
import { defaultHome } from '../node/home-dir.ts';
import { HOME_DEFAULT_HELP } from './home-option.ts';
import { realClock } from '../env/real-clock.ts';
import { parseAddress } from '../identity/address.ts';
import { SkywireError } from '../errors.ts';
import { consoleLogger, type Logger } from './logger.ts';
import { runMaster, type RunningMaster } from './run-master.ts';
import { exitAfter } from './last-resort.ts';
import { DEFAULT_WEB_LISTEN } from '../web/dashboard.ts';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export const addMasterCommand = (program: Command): void => {
  program.command('master')
    .description('run the master: a node that registers nodes, shows the fleet and signs commands to them')
    .option('--home <dir>', `master home directory (identity, config.json, registry.json, control socket) ${HOME_DEFAULT_HELP}`, defaultHome())
    .option('--listen <host:port>', 'UDP address to bind (default from config, else 0.0.0.0:7000)')
    .option('--peer <address@host:port>', 'a neighbour to link with, e.g. a public relay (repeatable)', collect, [])
    .option('--auto-accept', 'accept every node that registers (the default)')
    .option('--approval', 'hold new nodes until "skywire nodes approve NODE"')
    .option('--allow <address>', 'accept this node at once even with --approval (repeatable)', collect, [])
    .option('--offline-after-ms <ms>', 'show a node offline after this long without a heartbeat', '45000')
    .option('--kernel-guard', 'drop strangers\' packets over a rate in the kernel (nftables; needs root or CAP_NET_ADMIN)')
    .option('--web [host:port]', `serve the web dashboard (default ${DEFAULT_WEB_LISTEN}; keep it on loopback and reach it with "ssh -L" or "skywire forward")`)
    .option('--web-host <name>', 'another host name the dashboard may be reached by (repeatable), e.g. behind a reverse proxy', collect, [])
    .option('--tui', 'show the fleet TUI (table, node detail, topology, actions); plain status lines when stdout is not a TTY')
    .action(async (o: { home: string; listen?: string; peer: string[]; autoAccept?: boolean; approval?: boolean; allow: string[]; offlineAfterMs: string; kernelGuard?: boolean; tui?: boolean; web?: string | boolean; webHost: string[] }) => {
      if (o.autoAccept && o.approval) throw new SkywireError('BAD_REQUEST', '--auto-accept and --approval exclude each other: choose one');
      for (const a of o.allow) parseAddress(a, '--allow');
      const start = (log: Logger): Promise<RunningMaster> => runMaster({
        home: o.home, listen: o.listen, peer: o.peer, mode: o.approval ? 'approval' : 'auto', allow: o.allow,
        offlineAfterMs: Number(o.offlineAfterMs), kernelGuard: o.kernelGuard,
        web: o.web === undefined ? undefined : { listen: o.web === true ? DEFAULT_WEB_LISTEN : String(o.web), hosts: o.webHost },
      }, log);
      // Loaded on demand: a headless master never parses blessed.
      if (o.tui) return (await import('../../tui/master/master-tui.ts')).runWithMasterTui({ home: () => o.home, start });
      const running = await start(consoleLogger(realClock().wallMs));
      for (const sig of ['SIGINT', 'SIGTERM'] as const) {
        // Exit 1 when some state could not be saved (logged with the file and errno).
        process.once(sig, () => exitAfter(running.stop(sig), 0, () => process.exit(running.disk.status().ok ? 0 : 1)));
      }
    });
};
