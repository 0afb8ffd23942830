// `skywire socks --exit NODE`: a local SOCKS5 proxy (point a browser or `curl --socks5-hostname`
// at it) whose connections leave the overlay at NODE, through NODE's socks app.
import type { Command } from 'commander';
import { defaultHome } from '../node/home-dir.ts';
import { HOME_DEFAULT_HELP } from './home-option.ts';
import { DEFAULT_SOCKS_LISTEN, startSocksClient } from './socks-client.ts';
import { exitAfter } from './last-resort.ts';

interface SocksFlags { exit: string; listen: string; allowLan?: boolean; home: string }

export const addSocksCommand = (program: Command): void => {
  program.command('socks')
    .description('a local SOCKS5 proxy whose connections leave the overlay at the exit node (its socks app); runs until interrupted')
    .requiredOption('--exit <node>', 'the node running the socks app: address, fleet name or contact')
    .option('--listen <host:port>', 'local address to listen on', DEFAULT_SOCKS_LISTEN)
    .option('--allow-lan', 'permit a non-loopback --listen (anyone who reaches it can use your exit)')
    .option('--home <dir>', `node home directory ${HOME_DEFAULT_HELP}`, defaultHome())
    .action(async (o: SocksFlags) => {
      const client = await startSocksClient({
        home: o.home, exit: o.exit, listen: o.listen, allowLan: o.allowLan,
        log: (line) => process.stderr.write(`skywire socks: ${line}\n`),
      });
      const host = client.host.includes(':') ? `[${client.host}]` : client.host;
      process.stdout.write(`SOCKS5 on ${host}:${client.port} via ${o.exit}\n`);
      let stopping = false;
      for (const sig of ['SIGINT', 'SIGTERM'] as const) {
        process.once(sig, () => {
          stopping = true;
          exitAfter(client.close());
        });
      }
      // The listener lives in the node: when the node stops, so does the proxy.
      client.closed.then(() => {
        if (stopping) return;
        process.stderr.write('skywire: error [CONTROL_UNAVAILABLE]: the node stopped, and the SOCKS listener with it; start the node and run skywire socks again\n');
        process.exit(1);
      }, () => undefined);
    });
};
