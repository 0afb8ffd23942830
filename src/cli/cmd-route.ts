// `skywire route`, `ping`, `connect` and `accept`: ask the running node to use its routes.
import type { Command } from 'commander';
import { homeOption } from './home-option.ts';
import { controlRequest } from '../env/control-client.ts';
import { controlPipe } from '../env/control-pipe.ts';
import type { RouteStatus } from '../overlay/route-status.ts';
import type { PingResult } from './control-routes.ts';

const home = (c: Command): Command => homeOption(c, 'node home directory');

/** NODE (an address, a fleet name, a contact or an address prefix) as the running node resolves it. */
const resolve = (home: string, ref: string): Promise<{ address: string; name: string }> =>
  controlRequest(home, { cmd: 'resolve', ref }) as Promise<{ address: string; name: string }>;
const label = (w: { address: string; name: string }): string => (w.name ? `${w.name} (${w.address})` : w.address);

export const addRouteCommands = (program: Command): void => {
  home(program.command('route <node>'))
    .description('set up (or show) the route to NODE (address, fleet name or contact): its path and state')
    .option('--json', 'one JSON object')
    .action(async (ref: string, o: { home: string; json?: boolean }) => {
      const who = await resolve(o.home, ref);
      const r = (await controlRequest(o.home, { cmd: 'route', address: who.address }, 15_000)) as RouteStatus;
      if (o.json) return void process.stdout.write(JSON.stringify({ ...r, name: who.name }) + '\n');
      process.stdout.write(`route to ${label(who)}: ${r.state}${r.repairs ? `, repaired ${r.repairs}x` : ''}\n`);
      r.path?.forEach((a, i) => process.stdout.write(`  ${i === 0 ? 'src' : i === r.path!.length - 1 ? 'dst' : `${i}  `} ${a}\n`));
      if (r.state !== 'established') process.exitCode = 1;
    });

  home(program.command('ping <node>'))
    .description('end-to-end echo over the route to NODE (address, fleet name or contact): hops and RTT of each probe')
    .option('--count <n>', 'probes to send (one a second)', '4')
    .option('--json', 'one JSON object')
    .action(async (ref: string, o: { home: string; count: string; json?: boolean }) => {
      const count = Number(o.count);
      const who = await resolve(o.home, ref);
      if (!o.json) process.stdout.write(`ping ${label(who)}\n`);
      const r = (await controlRequest(o.home, { cmd: 'route-ping', address: who.address, count }, 15_000 + count * 3000)) as { dest: string; path: string[] | null; probes: PingResult[] };
      if (o.json) return void process.stdout.write(JSON.stringify(r) + '\n');
      for (const p of r.probes) {
        process.stdout.write(p.rttMs === null ? `seq=${p.seq} no reply\n` : `seq=${p.seq} hops=${p.hops} rtt=${p.rttMs} ms\n`);
      }
      const ok = r.probes.filter((p) => p.rttMs !== null).length;
      process.stdout.write(`${r.probes.length} sent, ${ok} received${r.path ? `, path ${r.path.length - 1} hops` : ', no route'}\n`);
      if (ok === 0) process.exitCode = 1;
    });

  home(program.command('connect <node> <port>'))
    .description('join stdin/stdout to a stream to PORT on NODE (address, fleet name or contact; like nc)')
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
  // The far end closed on someone typing at a terminal: stop reading it (the open terminal
  // would keep the process alive forever) and exit once stdout has what came. From a pipe or a
  // file, the end is only the far end's half-close, and what is left of stdin still goes out.
  sock.once('end', () => {
    if (!process.stdin.isTTY) return;
    process.stdin.unpipe(sock);
    process.stdin.destroy();
  });
  sock.on('error', (e) => {
    process.stderr.write(`skywire: stream error: ${e.message}\n`);
    process.exitCode = 1;
  });
};
