// `skywire forward <node> LPORT:HOST:PORT`: like ssh -L through the overlay. Listens on
// 127.0.0.1:LPORT; each TCP connection asks the master (--home) for a stream to NODE, which
// connects to HOST:PORT on its side. Runs until interrupted.
import { createServer, type Socket } from 'node:net';
import type { Command } from 'commander';
import { defaultHome } from '../node/home-dir.ts';
import { HOME_DEFAULT_HELP } from './home-option.ts';
import { controlPipe } from '../env/control-pipe.ts';
import { parseForwardSpec } from '../forward/forward-spec.ts';
import { joinSocket } from '../term/join-socket.ts';
import { SkywireError } from '../errors.ts';

export const addForwardCommand = (program: Command): void => {
  program.command('forward <node> <spec>')
    .description('forward 127.0.0.1:LPORT to HOST:PORT as seen from NODE (spec LPORT:HOST:PORT), through the master whose --home is given')
    .option('--home <dir>', `the master's home directory ${HOME_DEFAULT_HELP}`, defaultHome())
    .option('--bind <ip>', 'local address to listen on', '127.0.0.1')
    .action(async (node: string, specText: string, o: { home: string; bind: string }) => {
      const spec = parseForwardSpec(specText);
      const onConn = (tcp: Socket): void => {
        tcp.pause();
        tcp.on('error', () => undefined);
        controlPipe(o.home, { cmd: 'forward', address: node, host: spec.host, port: spec.port }).then(
          ({ sock }) => joinSocket(tcp, sock),
          (e: Error & { code?: string }) => {
            process.stderr.write(`skywire: forward to ${node} ${spec.host}:${spec.port} failed [${e.code ?? 'INTERNAL'}]: ${e.message}\n`);
            tcp.destroy();
          });
      };
      const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, onConn);
      await new Promise<void>((resolve, reject) => {
        server.once('error', (e: NodeJS.ErrnoException) => reject(new SkywireError('BAD_LISTEN', `cannot listen on ${o.bind}:${spec.lport} (${e.code ?? e.message}): ${
          e.code === 'EADDRINUSE' ? `another program uses that port (ss -ltnp 'sport = :${spec.lport}' shows which); pick another LPORT` :
          e.code === 'EACCES' ? 'ports below 1024 need root; pick an LPORT of 1024 or more' :
          e.code === 'EADDRNOTAVAIL' ? `this machine has no address ${o.bind}; use 127.0.0.1` : 'pick another LPORT or --bind'}`)));
        server.listen(spec.lport, o.bind, () => resolve());
      });
      process.stdout.write(`forwarding ${o.bind}:${spec.lport} -> ${node} ${spec.host}:${spec.port}\n`);
      for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => { server.close(); process.exit(0); });
    });
};
