// `skywire status`: ask the running node over its control socket.
import type { Command } from 'commander';
import { defaultHome } from '../node/home-dir.ts';
import { HOME_DEFAULT_HELP } from './home-option.ts';
import { controlRequest } from '../env/control-client.ts';
import type { NodeStatus } from '../node/node-status.ts';
import { formatStatus } from './format-status.ts';
import { realClock } from '../env/real-clock.ts';
import { formatFleetStatus, type FleetStatusPart } from './format-fleet-status.ts';

export const addStatusCommand = (program: Command): void => {
  program.command('status')
    .description('show the running node\'s links: state, RTT, bytes, last handshake, drops')
    .option('--home <dir>', `node home directory ${HOME_DEFAULT_HELP}`, defaultHome())
    .option('--json', 'one JSON object')
    .action(async (o: { home: string; json?: boolean }) => {
      const status = (await controlRequest(o.home, { cmd: 'status' })) as NodeStatus & FleetStatusPart;
      process.stdout.write(o.json ? JSON.stringify(status) + '\n' : formatStatus(status, realClock().wallMs()) + formatFleetStatus(status));
    });
};
