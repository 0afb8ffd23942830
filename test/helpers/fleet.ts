// A small fleet of real node processes on loopback for personal-cloud tests, linked along the
// given edges, every node configured with the master's key. Two ways to run them:
// - WIRED: the real binary, `skywire master` for the master and the rogues (masters nobody
//   obeys), `skywire node` for the others; `skywire term|forward` from bin/skywire.js.
// - harness (until main.ts and run-node.ts wire the services): each node is a fleet-node.ts child
//   (runNode + attachTerminal/attachForward, and 'term'/'forward' on its control socket).
// `spawn` lets a caller put each node somewhere else (a network namespace), `host` its IP there.
import { spawn as spawnChild, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { controlRequest } from '../../src/env/control-client.ts';
import { randomBytes } from 'node:crypto';
import { createIdentity } from '../../src/identity/key-file.ts';
import { nodeSuite } from '../../src/identity/node-suite.ts';
import { BIN, tmpHome, until } from './cli.ts';
import { freeUdpPorts } from './free-port.ts';

/** Flip the default to '1' once main.ts, run-node.ts and run-master.ts wire term and forward. */
export const WIRED = (process.env.SKY_FLEET_WIRED ?? '1') === '1';
/** How to run `skywire term|forward ...`. */
export const TERM_ARGV = WIRED ? [BIN] : ['--import', 'tsx', join(process.cwd(), 'test', 'helpers', 'term-cli.ts')];
const HARNESS = ['--import', 'tsx', join(process.cwd(), 'test', 'helpers', 'fleet-node.ts')];
const nodeArgv = (home: string, isMaster: boolean): string[] =>
  WIRED ? [BIN, isMaster ? 'master' : 'node', '--home', home] : [...HARNESS, home];

export interface FleetMember {
  name: string; home: string; address: string; publicKey: string; ip: string; port: number;
  /** The control home that answers 'term' and 'forward' (the node's own home). */
  ctl: string;
  proc: ChildProcess; output: () => string;
}

export interface FleetSpec {
  names: string[];
  edges: [string, string][];
  master: string;
  /** Fleet members that run master software with a key of their own: their commands must be
   *  refused. They are configured with the real master's key, so they are admitted members. */
  rogues?: string[];
  host?: (name: string) => string;
  spawn?: (name: string, cmd: string, args: string[]) => ChildProcess;
  /** Leaves configured with "stub": true (topology records fetched on demand). */
  stubs?: string[];
}

export interface RefusalSnapshot { total: number; byReason: Record<string, number | undefined> }
export interface ServiceCounts { term: RefusalSnapshot; forward: RefusalSnapshot; open: { term: number; forward: number } }

export interface Fleet {
  get(name: string): FleetMember;
  /** Waits until `from` has an established route to `to`; returns its path. */
  route(from: string, to: string, ms?: number): Promise<string[]>;
  /** The node's terminal and forward services: refusals by reason and streams open now. */
  refusals(name: string): Promise<ServiceCounts>;
  stop(): void;
}

export const startFleet = async (spec: FleetSpec): Promise<Fleet> => {
  const ports = await freeUdpPorts(spec.names.length);
  const members = new Map<string, FleetMember>();
  const ids = new Map<string, { home: string; address: string; publicKey: string }>();
  for (const name of spec.names) {
    const home = tmpHome(`fleet-${name}`);
    const id = createIdentity(nodeSuite(), home, new Uint8Array(randomBytes(32)));
    ids.set(name, { home, address: id.address, publicKey: Buffer.from(id.publicKey).toString('base64') });
  }
  const ip = (n: string): string => spec.host?.(n) ?? '127.0.0.1';
  const port = (n: string): number => ports[spec.names.indexOf(n)]!;
  for (const name of spec.names) {
    const { home, address, publicKey } = ids.get(name)!;
    const isMaster = name === spec.master || (spec.rogues ?? []).includes(name);
    const peers = spec.edges.filter((e) => e.includes(name)).map((e) => (e[0] === name ? e[1] : e[0]))
      .map((p) => `${ids.get(p)!.address}@${ip(p)}:${port(p)}`);
    writeFileSync(join(home, 'config.json'), JSON.stringify({
      version: 1, name, listen: `${ip(name)}:${port(name)}`, peers, ...(name === spec.master ? {} : { master: ids.get(spec.master)!.publicKey }),
      link: { keepaliveMs: 500, deadAfterMs: 2000 },
      ...(spec.stubs?.includes(name) ? { stub: true } : {}),
    }));
    // A rogue master's registry claims every node, so its terminal and forward requests reach
    // the nodes (whose refusal is what the tests check) instead of stopping at its own registry.
    if (isMaster && name !== spec.master) {
      const nodes = Object.fromEntries([...ids].filter(([n]) => n !== name).map(([n, v]) => [v.address, {
        address: v.address, publicKey: v.publicKey, name: n, version: '0', enrolment: 'accepted', firstSeenMs: 0, lastSeenMs: 0,
        links: {}, routes: {}, configVersion: 0, path: null, commandSeq: 0,
      }]));
      writeFileSync(join(home, 'registry.json'), JSON.stringify({ version: 1, nodes }));
    }
    const argv = nodeArgv(home, isMaster);
    const proc = spec.spawn ? spec.spawn(name, process.execPath, argv) : spawnChild(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout?.on('data', (c: Buffer) => { out += c.toString(); });
    proc.stderr?.on('data', (c: Buffer) => { out += c.toString(); });
    members.set(name, { name, home, address, publicKey, ip: ip(name), port: port(name), ctl: home, proc, output: () => out });
  }
  const get = (n: string): FleetMember => members.get(n) ?? (() => { throw new Error(`no fleet member ${n}`); })();
  const fleet: Fleet = {
    get,
    route: async (from, to, ms = 30_000) => until(async () => {
      const j = (await controlRequest(get(from).home, { cmd: 'route', address: get(to).address }, 15_000)) as { state: string; path: string[] };
      return j.state === 'established' ? j.path : undefined;
    }, ms, `route ${from}->${to}`),
    // Wired nodes report the services in `status` as {services: {term, forward}}.
    refusals: async (n) => (WIRED ? ((await controlRequest(get(n).home, { cmd: 'status' })) as { services: never }).services
      : (await controlRequest(get(n).ctl, { cmd: 'refusals' })) as never),
    stop: () => { for (const m of members.values()) m.proc.kill('SIGKILL'); },
  };
  try {
    for (const m of members.values()) await until(() => controlRequest(m.ctl, { cmd: 'ping' }, 500), 20_000, `${m.name} services (output: ${m.output()})`);
  } catch (e) {
    fleet.stop();
    throw e;
  }
  return fleet;
};
