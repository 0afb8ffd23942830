// `skywire route`, `ping`, `connect` and `accept`: ask the running node to use its routes.
import type { Command } from 'commander';
import { homeOption } from './home-option.ts';
import { controlRequest } from '../env/control-client.ts';
import { controlPipe } from '../env/control-pipe.ts';
import type { RouteStatus } from '../overlay/route-status.ts';
import type { PingResult } from './control-routes.ts';

const home = (c: Command): Command => homeOption(c, 'node home directory');

export const addRouteCommands = (program: Command): void => {
  home(program.command('route <address>'))
    .description('set up (or show) the route to ADDRESS: its path and state')
    .option('--json', 'one JSON object')
    .action(async (address: string, o: { home: string; json?: boolean }) => {
      const r = (await controlRequest(o.home, { cmd: 'route', address }, 15_000)) as RouteStatus;
      if (o.json) return void process.stdout.write(JSON.stringify(r) + '\n');
      process.stdout.write(`route to ${r.dest}: ${r.state}${r.repairs ? `, repaired ${r.repairs}x` : ''}\n`);
      r.path?.forEach((a, i) => process.stdout.write(`  ${i === 0 ? 'src' : i === r.path!.length - 1 ? 'dst' : `${i}  `} ${a}\n`));
      if (r.state !== 'established') process.exitCode = 1;
    });

  home(program.command('ping <address>'))
    .description('end-to-end echo over the route to ADDRESS: hops and RTT of each probe')
    .option('--count <n>', 'probes to send (one a second)', '4')
    .option('--json', 'one JSON object')
    .action(async (address: string, o: { home: string; count: string; json?: boolean }) => {
      const count = Number(o.count);
      const r = (await controlRequest(o.home, { cmd: 'route-ping', address, count }, 15_000 + count * 3000)) as { dest: string; path: string[] | null; probes: PingResult[] };
      if (o.json) return void process.stdout.write(JSON.stringify(r) + '\n');
      for (const p of r.probes) {
        process.stdout.write(p.rttMs === null ? `seq=${p.seq} no reply\n` : `seq=${p.seq} hops=${p.hops} rtt=${p.rttMs} ms\n`);
      }
      const ok = r.probes.filter((p) => p.rttMs !== null).length;
      process.stdout.write(`${r.probes.length} sent, ${ok} received${r.path ? `, path ${r.path.length - 1} hops` : ', no route'}\n`);
      if (ok === 0) process.exitCode = 1;
    });

  home(program.command('connect <address> <port>'))
    .description('join stdin/stdout to a stream to PORT on ADDRESS (like nc)')
    .action(async (address: string, port: string, o: { home: string }) => {
      const { sock } = await controlPipe(o.home, { cmd: 'connect', address, port: Number(port) });
      pipeStdio(sock);
    });

  home(program.command('accept <port>'))
    .description('wait for one stream on PORT and join it to stdin/stdout (like nc -l)')
    .action(async (port: string, o: { home: string }) => {
      const { sock, result } = await controlPipe(o.home, { cmd: 'accept', port: Number(port) });
      process.stderr.write(`accepted from ${(result as { peer: string }).peer}\n`);
      pipeStdio(sock);
    });
};

const pipeStdio = (sock: import('node:net').Socket): void => {
  process.stdin.pipe(sock);
  sock.pipe(process.stdout);
  sock.resume();
  sock.on('error', (e) => {
    process.stderr.write(`skywire: stream error: ${e.message}\n`);
    process.exitCode = 1;
  });
};
