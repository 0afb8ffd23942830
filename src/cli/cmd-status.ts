// `skywire status`: ask the running node over its control socket.
import type { Command } from 'commander';
import { defaultHome } from '../node/home-dir.ts';
import { HOME_DEFAULT_HELP } from './home-option.ts';
import { controlRequest } from '../env/control-client.ts';
import type { NodeStatus } from '../node/node-status.ts';
import { formatStatus } from './format-status.ts';
import { realClock } from '../env/real-clock.ts';
import { formatFleetStatus, type FleetStatusPart } from './format-fleet-status.ts';
import { formatConsole } from './format-console.ts';
import { networkInterfaces } from 'node:os';
import { SKYWIRE_VERSION } from '../version.ts';
import { SkywireError } from '../errors.ts';

const ipAddresses = (): { iface: string; address: string }[] =>
  Object.entries(networkInterfaces()).flatMap(([iface, list]) => (list ?? []).filter((a) => !a.internal && !(a.family === 'IPv6' && a.address.startsWith('fe80')))
    .map((a) => ({ iface, address: a.address })));

/** Redraws the console page every interval until killed; a node that is not (yet) answering is
 *  shown as starting, with why, and never ends the watch. */
const watch = (home: string, intervalMs: number): Promise<never> => new Promise<never>(() => {
  const clock = realClock();
  const tick = (): void => {
    controlRequest(home, { cmd: 'status' }, Math.min(intervalMs, 5_000))
      .then((s) => formatConsole(s as NodeStatus & FleetStatusPart, { addresses: ipAddresses(), version: SKYWIRE_VERSION }, null),
        (e: unknown) => formatConsole(null, { addresses: ipAddresses(), version: SKYWIRE_VERSION }, e instanceof Error ? e.message : String(e)))
      .then((page) => {
        // Home, clear, then the page: one write, so the screen never shows half a page.
        process.stdout.write(`\x1b[H\x1b[2J${page}`);
        clock.setTimeout(tick, intervalMs);
      }, () => clock.setTimeout(tick, intervalMs));
  };
  tick();
});

export const addStatusCommand = (program: Command): void => {
  program.command('status')
    .description('show the running node\'s links: state, RTT, bytes, last handshake, drops')
    .option('--home <dir>', `node home directory ${HOME_DEFAULT_HELP}`, defaultHome())
    .option('--json', 'one JSON object')
    .option('--watch', 'a status page redrawn every --interval-ms until killed (the image shows it on tty1)')
    .option('--interval-ms <n>', 'redraw interval of --watch', '2000')
    .action(async (o: { home: string; json?: boolean; watch?: boolean; intervalMs: string }) => {
      if (o.watch) {
        const ms = Number(o.intervalMs);
        if (!Number.isInteger(ms) || ms < 100) throw new SkywireError('BAD_REQUEST', `--interval-ms ${o.intervalMs}: give a whole number of milliseconds, at least 100, e.g. --interval-ms 2000`);
        return watch(o.home, ms);
      }
      const status = (await controlRequest(o.home, { cmd: 'status' })) as NodeStatus & FleetStatusPart;
      process.stdout.write(o.json ? JSON.stringify(status) + '\n' : formatStatus(status, realClock().wallMs()) + formatFleetStatus(status));
    });
};
