// Free loopback ports for tests, taken from the kernel.
//
// Why not bind port 0 in the code under test: the nodes of a test fleet must know each other's
// endpoints (their config's `peers`) before any of them starts, so each port is chosen up front.
// Fixed random ranges (e.g. 24000 + random * 3000) are shared between test files that ava runs
// concurrently and collide now and then; instead a port is taken from the kernel just before it
// is used: bind port 0 on 127.0.0.1, read the number, close. All n sockets of one request stay
// open until every one is bound, so the n ports are distinct. A port handed out here is free
// only at that moment, but the kernel picks port-0 binds at random from its ephemeral range, so
// two test files asking at the same time (or one asking again) are very unlikely to get the same.
import { spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';

const HOST = '127.0.0.1';

const bindUdp = (port: number): Promise<Socket> => new Promise((resolve, reject) => {
  const s = createSocket('udp4');
  s.once('error', (e) => { s.close(); reject(e); });
  s.bind(port, HOST, () => { s.removeAllListeners('error'); resolve(s); });
});

const bindTcp = (port: number): Promise<Server> => new Promise((resolve, reject) => {
  const s = createServer();
  s.once('error', reject);
  s.listen({ port, host: HOST, exclusive: true }, () => { s.removeAllListeners('error'); resolve(s); });
});

const closeUdp = (s: Socket): Promise<void> => new Promise((resolve) => s.close(() => resolve()));
const closeTcp = (s: Server): Promise<void> => new Promise((resolve) => s.close(() => resolve()));

/** `n` distinct UDP ports on 127.0.0.1 that were free a moment ago. */
export const freeUdpPorts = async (n: number): Promise<number[]> => {
  const socks: Socket[] = [];
  try {
    for (let i = 0; i < n; i++) socks.push(await bindUdp(0));
    return socks.map((s) => s.address().port);
  } finally {
    await Promise.all(socks.map(closeUdp));
  }
};

/** `n` distinct TCP ports on 127.0.0.1 that were free a moment ago. */
export const freeTcpPorts = async (n: number): Promise<number[]> => {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < n; i++) servers.push(await bindTcp(0));
    return servers.map((s) => (s.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map(closeTcp));
  }
};

export const freeTcpPort = async (): Promise<number> => (await freeTcpPorts(1))[0]!;

// The same in a child process, for helpers whose callers are synchronous (master-world's
// `port()`). The child binds, prints the numbers and exits, which releases them.
const SYNC_SCRIPT = `
const dgram = require('node:dgram');
const n = Number(process.argv[1]);
const socks = [];
const next = () => {
  if (socks.length === n) { process.stdout.write(JSON.stringify(socks.map((s) => s.address().port))); process.exit(0); }
  const s = dgram.createSocket('udp4');
  s.on('error', (e) => { process.stderr.write(String(e)); process.exit(1); });
  s.bind(0, '${HOST}', () => { socks.push(s); next(); });
};
next();
`;

/** `freeUdpPorts` for synchronous callers: a short-lived child process does the binding. */
export const freeUdpPortsSync = (n: number): number[] => {
  const r = spawnSync(process.execPath, ['-e', SYNC_SCRIPT, String(n)], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`freeUdpPortsSync: ${r.stderr || r.error?.message || `exit ${r.status}`}`);
  return JSON.parse(r.stdout) as number[];
};
