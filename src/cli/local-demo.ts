// The local demo behind `npm start`: a master, a relay and ten nodes, all real nodes on loopback
// UDP in this one process (runNode/runMaster with temporary homes). The nodes know only the
// relay and the master's key, as after first boot; they register through the relay.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIdentity } from '../identity/key-file.ts';
import { nodeSuite } from '../identity/node-suite.ts';
import { runNode, type RunningNode } from './run-node.ts';
import { runMaster, type RunningMaster } from './run-master.ts';
import type { Logger } from './logger.ts';

export interface LocalDemo { master: RunningMaster; relay: RunningNode; nodes: RunningNode[]; root: string; stop(): Promise<void> }
export interface DemoOptions { nodes?: number; basePort?: number; log: Logger }

// Short timers so links, heartbeats and the fleet table move while someone watches.
const LINK = { keepaliveMs: 1000, deadAfterMs: 4000 };

export const startLocalDemo = async (o: DemoOptions): Promise<LocalDemo> => {
  const root = mkdtempSync(join(tmpdir(), 'skywire-demo-'));
  const base = o.basePort ?? 17400;
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
  const onRestart = (): void => {};
  const master = await runMaster({ home: m.home, peer: [], mode: 'auto', allow: [], offlineAfterMs: 10_000 }, o.log);
  const relay = await runNode({ home: r.home, peer: [], trustAllNeighbours: true, heartbeatMs: 2000, onRestart }, quiet);
  const nodes = await Promise.all(ids.slice(2).map((x) => runNode({ home: x.home, peer: [], heartbeatMs: 2000, onRestart }, quiet)));
  o.log.info(`local demo: master, relay and ${count} nodes on 127.0.0.1:${base}-${base + count + 1}, homes in ${root}`);
  return {
    master, relay, nodes, root,
    stop: async () => {
      await Promise.all([...nodes, relay].map((n) => n.stop('demo stopped')));
      await master.stop('demo stopped');
      rmSync(root, { recursive: true, force: true });
    },
  };
};
