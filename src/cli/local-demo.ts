// The local demo behind `npm start`: a master, a relay and ten nodes, all real nodes on loopback
// UDP in this one process (runNode/runMaster with temporary homes). The nodes know only the
// relay and the master's key, as after first boot; they register through the relay.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIdentity } from '../identity/key-file.ts';
import { nodeSuite } from '../identity/node-suite.ts';
import { runNode, type RunNodeOptions, type RunningNode } from './run-node.ts';
import { SkywireError } from '../errors.ts';
import { runMaster, type RunningMaster } from './run-master.ts';
import type { Logger } from './logger.ts';

export interface LocalDemo { master: RunningMaster; relay: RunningNode; nodes: RunningNode[]; root: string; stop(): Promise<void> }
export interface DemoOptions { nodes?: number; basePort?: number; log: Logger; /** false: no web dashboard. */ web?: boolean }

// Short timers so links, heartbeats and the fleet table move while someone watches.
const LINK = { keepaliveMs: 1000, deadAfterMs: 4000 };

/** Port ranges tried in turn when none was asked for: a second `npm start` takes the next. */
const BASES = [17400, 17500, 17600, 17700, 17800];

export const startLocalDemo = async (o: DemoOptions): Promise<LocalDemo> => {
  if (o.basePort !== undefined) return startOn(o, o.basePort);
  for (const base of BASES) {
    try {
      return await startOn(o, base);
    } catch (e) {
      if (!(e instanceof SkywireError) || e.code !== 'BAD_LISTEN' || base === BASES.at(-1)) throw e;
      o.log.warn(`ports ${base}-${base + (o.nodes ?? 10) + 1} are taken (another demo?); trying the next range`);
    }
  }
  throw new SkywireError('BAD_LISTEN', 'unreachable');
};

const startOn = async (o: DemoOptions, base: number): Promise<LocalDemo> => {
  const root = mkdtempSync(join(tmpdir(), 'skywire-demo-'));
  const started: { stop(why: string): Promise<void> }[] = [];
  try {
    return await build(o, base, root, started);
  } catch (e) {
    // Nothing stays behind from a demo that could not start: no processes' sockets, no homes.
    await Promise.allSettled(started.map((n) => n.stop('demo failed to start')));
    rmSync(root, { recursive: true, force: true });
    if (e instanceof SkywireError && e.code === 'BAD_LISTEN') {
      throw new SkywireError('BAD_LISTEN', `the local demo needs UDP ports 127.0.0.1:${base}-${base + (o.nodes ?? 10) + 1} and TCP port ${base + 90} and one is taken (${e.message}); stop the other demo (or program), or choose a free range with SKYWIRE_DEMO_PORT=20000 npm start`);
    }
    throw e;
  }
};

const build = async (o: DemoOptions, base: number, root: string, started: { stop(why: string): Promise<void> }[]): Promise<LocalDemo> => {
  const count = o.nodes ?? 10;
  const names = ['master', 'relay', ...Array.from({ length: count }, (_, i) => `node${i + 1}`)];
  const ids = names.map((name, i) => {
    const home = join(root, name);
    const id = createIdentity(nodeSuite(), home, new Uint8Array(randomBytes(32)));
    return { name, home, address: id.address, key: Buffer.from(id.publicKey).toString('base64'), at: `127.0.0.1:${base + i}` };
  });
  const [m, r] = [ids[0]!, ids[1]!];
  const spec = (x: { address: string; at: string }): string => `${x.address}@${x.at}`;
  ids.forEach((x, i) => {
    // Each node also links to the next one, so node tables show more than the relay.
    const chord = i >= 2 && i + 1 < ids.length ? [spec(ids[i + 1]!)] : [];
    const doc = i === 0 ? { peers: [spec(r)] } : i === 1 ? { acceptUnknown: true, master: m.key } : { master: m.key, relays: [spec(r)], peers: chord, acceptUnknown: true };
    writeFileSync(join(x.home, 'config.json'), JSON.stringify({ version: 1, name: x.name, listen: x.at, link: LINK, ...doc }));
  });
  const quiet: Logger = { info: () => {}, warn: (msg) => o.log.warn(msg) };
  // The web dashboard on the next TCP port after the range (loopback only).
  const web = o.web === false ? undefined : { listen: `127.0.0.1:${base + 90}` };
  const master = await runMaster({ home: m.home, peer: [], mode: 'auto', allow: [], offlineAfterMs: 10_000, web }, o.log);
  started.push(master);
  // The master's "restart" command (r in the TUI) stops a node cleanly; systemd would start it
  // again, and here the demo does: same home, same identity, back in the fleet.
  let stopping = false;
  const start = async (opts: RunNodeOptions, put: (n: RunningNode) => void): Promise<RunningNode> => {
    const n = await runNode({ ...opts, onRestart: () => {
      if (stopping) return;
      void start(opts, put).then(put, (e: Error) => o.log.warn(`restarting ${opts.home}: ${e.message}`));
    } }, quiet);
    started.push(n);
    return n;
  };
  const demo: LocalDemo = {
    master, root, nodes: [],
    relay: await start({ home: r.home, peer: [], trustAllNeighbours: true, heartbeatMs: 2000 }, (n) => { demo.relay = n; }),
    stop: async () => {
      stopping = true;
      await Promise.all([...demo.nodes, demo.relay].map((n) => n.stop('demo stopped')));
      await master.stop('demo stopped');
      rmSync(root, { recursive: true, force: true });
    },
  };
  demo.nodes = await Promise.all(ids.slice(2).map((x, i) => start({ home: x.home, peer: [], heartbeatMs: 2000 }, (n) => { demo.nodes[i] = n; })));
  o.log.info(`local demo: master, relay and ${count} nodes on 127.0.0.1:${base}-${base + count + 1}, homes in ${root}`);
  return demo;
};
