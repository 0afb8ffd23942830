// `skywire node`: a real node on UDP with its control socket and persisted state. The wiring
// of real env implementations into the sans-IO node happens here and nowhere else.
import { randomBytes } from 'node:crypto';
import { openUdpCarrier } from '../env/udp-carrier.ts';
import { realClock } from '../env/real-clock.ts';
import { realRandom } from '../env/real-random.ts';
import { nullTrace } from '../env/trace.ts';
import { openControlServer } from '../env/control-server.ts';
import { nodeSuite } from '../identity/node-suite.ts';
import { loadOrCreateIdentity } from '../identity/key-file.ts';
import { loadNodeConfig } from '../config/node-config.ts';
import { parsePeerSpec } from '../config/peer-spec.ts';
import { SkyNode } from '../node/node.ts';
import { openNodeState, recordStatus } from '../node/node-state.ts';
import type { Logger } from './logger.ts';
import { Overlay } from '../overlay/overlay.ts';
import { pingRequest, routeRequest } from './control-routes.ts';
import { acceptRequest, connectRequest } from './control-streams.ts';

export interface RunNodeOptions { home: string; listen?: string | undefined; peer: string[]; acceptUnknown?: boolean }
export interface RunningNode { node: SkyNode; overlay: Overlay; stop(reason: string): Promise<void> }

const SAVE_EVERY_MS = 30_000;

export const runNode = async (opts: RunNodeOptions, log: Logger): Promise<RunningNode> => {
  const config = loadNodeConfig(opts.home);
  const cliPeers = opts.peer.map((p) => parsePeerSpec(p));
  const listen = opts.listen ?? config.listen ?? '0.0.0.0:7000';
  const suite = nodeSuite();
  const { identity, created } = loadOrCreateIdentity(suite, opts.home, () => new Uint8Array(randomBytes(32)));
  if (created) log.info(`created identity ${identity.address} in ${opts.home}`);
  const clock = realClock();
  const carrier = await openUdpCarrier(listen);
  const node = new SkyNode({ clock, random: realRandom(), trace: nullTrace, suite, identity, name: config.name }, { ...config.link, acceptUnknown: opts.acceptUnknown ?? config.link.acceptUnknown });
  node.attach(carrier);
  const overlay = new Overlay(node, { topology: { staticPeers: [...config.peers, ...cliPeers].map((p) => p.address) } });
  for (const p of [...config.peers, ...cliPeers]) node.addPeer(p.address, carrier, p.endpoint);
  const { db, previousUnclean, quarantined } = await openNodeState(opts.home, clock.wallMs());
  if (previousUnclean) log.warn('the previous run did not shut down cleanly (killed or power loss); state is from its last save');
  if (quarantined) log.warn(`state.json was unreadable and was moved to ${quarantined}; starting with empty state`);
  const control = await openControlServer(opts.home, (req) => {
    if (req.cmd === 'ping') return 'pong';
    if (req.cmd === 'status') return { ...node.status(), routes: overlay.routes() };
    if (req.cmd === 'route') return routeRequest(overlay, req);
    if (req.cmd === 'route-ping') return pingRequest(overlay, req);
    if (req.cmd === 'connect') return connectRequest(overlay, req);
    if (req.cmd === 'accept') return acceptRequest(overlay, req);
    throw Object.assign(new Error(`unknown command ${String(req.cmd)}`), { code: 'BAD_REQUEST' });
  });
  node.linkEvents$.subscribe((e) => log.info(`link ${e.peer} ${e.from} -> ${e.to}`));
  node.start();
  log.info(`node ${identity.address} listening on udp ${carrier.local} with ${node.links.size} peer(s)`);
  let timer = clock.setTimeout(function save() {
    recordStatus(db.data, node.status());
    void db.write();
    timer = clock.setTimeout(save, SAVE_EVERY_MS);
  }, SAVE_EVERY_MS);
  let stopping: Promise<void> | undefined;
  const stop = (reason: string): Promise<void> => (stopping ??= (async () => {
    log.info(`stopping (${reason})`);
    clock.clearTimeout(timer);
    recordStatus(db.data, node.status());
    overlay.stop();
    node.stop();
    await control.close();
    await carrier.close();
    db.data.cleanShutdown = true;
    db.data.lastStopAt = clock.wallMs();
    await db.write();
    log.info('state saved; bye');
  })());
  return { node, overlay, stop };
};
