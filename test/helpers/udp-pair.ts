// Two real nodes on loopback UDP, in one process, for link tests.
import { randomBytes } from 'node:crypto';
import { firstValueFrom, filter, timeout } from 'rxjs';
import { openUdpCarrier, type UdpCarrier } from '../../src/env/udp-carrier.ts';
import { realClock } from '../../src/env/real-clock.ts';
import { realRandom } from '../../src/env/real-random.ts';
import { nullTrace } from '../../src/env/trace.ts';
import { identityFromSeed, type Identity } from '../../src/identity/identity.ts';
import { nodeSuite } from '../../src/identity/node-suite.ts';
import { SkyNode } from '../../src/node/node.ts';
import type { LinkConfig } from '../../src/link/link-config.ts';

export interface RealNode { node: SkyNode; carrier: UdpCarrier; identity: Identity }

export const realNode = async (identity = identityFromSeed(nodeSuite(), randomBytes(32)), config?: Partial<LinkConfig>, listen = '127.0.0.1:0'): Promise<RealNode> => {
  const carrier = await openUdpCarrier(listen);
  const node = new SkyNode({ clock: realClock(), random: realRandom(), trace: nullTrace, suite: nodeSuite(), identity }, config);
  node.attach(carrier);
  return { node, carrier, identity };
};

export const peerUp = (a: RealNode, b: RealNode): void => {
  a.node.addPeer(b.identity.address, a.carrier, b.carrier.local);
  b.node.addPeer(a.identity.address, b.carrier, a.carrier.local);
};

export const waitState = (n: RealNode, peer: string, state: string, ms = 5000): Promise<unknown> => {
  const link = n.node.links.get(peer)!;
  return firstValueFrom(link.state$.pipe(filter((s) => s === state), timeout(ms)));
};

export const shutdown = async (...ns: RealNode[]): Promise<void> => {
  for (const n of ns) {
    n.node.stop();
    await n.carrier.close();
  }
};
