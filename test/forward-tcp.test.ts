import test from 'ava';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { startFleet, type Fleet } from './helpers/fleet.ts';
import { until } from './helpers/cli.ts';
import { startForward, type ForwardProc } from './helpers/forward-cli.ts';

// Master m reaches node n through relay r (2 hops); x is another node that n does not obey.
let fleet: Fleet;
let echo: Server;
let echoPort = 0;
const serverSaw: string[] = [];
const forwards: ForwardProc[] = [];

test.before(async () => {
  // Echoes every byte; after the client's FIN it still sends a trailer, then ends: half-close.
  echo = createServer({ allowHalfOpen: true }, (s: Socket) => {
    const h = createHash('sha256');
    s.on('data', (c: Buffer) => { h.update(c); s.write(c); });
    s.on('end', () => { serverSaw.push(h.digest('hex')); s.end('BYE'); });
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  echoPort = (echo.address() as { port: number }).port;
  fleet = await startFleet({ names: ['m', 'r', 'n', 'x'], edges: [['m', 'r'], ['r', 'n'], ['x', 'n']], master: 'm', rogues: ['x'] });
  const path = await fleet.route('m', 'n');
  if (path.length !== 3) throw new Error(`expected m-r-n, got ${path.join(' ')}`);
  await fleet.route('x', 'n');
});
test.after.always(() => {
  for (const f of forwards) f.proc.kill();
  fleet?.stop();
  echo?.close();
});

/** Connects, sends `data`, half-closes, and collects everything until the server's end. */
// A refused forward resets the client's connection: that resolves too, with ended false.
const roundTrip = (port: number, data: Buffer): Promise<{ got: Buffer; ended: boolean }> =>
  new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const parts: Buffer[] = [];
    s.on('data', (c: Buffer) => parts.push(c));
    s.on('end', () => resolve({ got: Buffer.concat(parts), ended: true }));
    s.on('close', () => resolve({ got: Buffer.concat(parts), ended: false }));
    s.on('error', () => resolve({ got: Buffer.concat(parts), ended: false }));
    s.on('connect', () => s.end(data));
  });

test.serial('2 MB through a 2-hop route to a TCP echo server: byte-exact both ways, half-close passes', async (t) => {
  const f = await startForward(fleet.get('n').address, '127.0.0.1', echoPort, fleet.get('m').ctl);
  forwards.push(f);
  const data = randomBytes(2 * 1024 * 1024);
  const { got, ended } = await roundTrip(f.lport, data);
  t.true(ended, 'the server\'s FIN reached the client');
  t.is(got.length, data.length + 3, f.output());
  t.true(got.subarray(0, data.length).equals(data), 'echo is byte-exact');
  t.is(got.subarray(data.length).toString(), 'BYE', 'bytes sent after our FIN still arrive');
  t.is(serverSaw.at(-1), createHash('sha256').update(data).digest('hex'));
  // Several connections at once: each gets its own stream and signed command.
  const many = await Promise.all([1, 2, 3, 4].map((i) => roundTrip(f.lport, Buffer.alloc(1000 * i, i))));
  many.forEach((r, i) => t.true(r.got.equals(Buffer.concat([Buffer.alloc(1000 * (i + 1), i + 1), Buffer.from('BYE')])), `connection ${i + 1}`));
});

test.serial('a destination outside the node\'s policy is refused and counted', async (t) => {
  const f = await startForward(fleet.get('n').address, '10.255.255.1', 22, fleet.get('m').ctl);
  forwards.push(f);
  const { got } = await roundTrip(f.lport, Buffer.from('hello'));
  t.is(got.length, 0);
  await until(() => (f.output().includes('not allowed') ? true : undefined), 5000, 'refusal logged');
  t.is((await fleet.refusals('n')).forward.byReason['not-allowed'], 1);
});

test.serial('a forward asked for by a node that is not the master is refused and counted', async (t) => {
  const f = await startForward(fleet.get('n').address, '127.0.0.1', echoPort, fleet.get('x').ctl);
  forwards.push(f);
  const before = serverSaw.length;
  const { got } = await roundTrip(f.lport, Buffer.from('hello'));
  t.is(got.length, 0);
  await until(() => (f.output().includes('not-master') ? true : undefined), 5000, `refusal logged: ${f.output()}`);
  t.is((await fleet.refusals('n')).forward.byReason['not-master'], 1);
  t.is(serverSaw.length, before, 'the echo server was never reached');
});
