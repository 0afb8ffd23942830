// Which endpoints the kernel guard (src/env/nft-guard.ts) lets past its stranger limits: the
// current endpoint of every UDP link that is up with a peer we trust. Trust is membership when
// the node has a master (an admitted node or the master itself), else the configured peers.
// Only an authenticated packet moves a link's endpoint (LinkActor.touched), so a spoofed source
// never enters the set; a stranger's link (up for registration) stays out until admitted.
import type { SkyNode } from './node.ts';

export interface GuardTrust {
  enforced: boolean;
  isMember(address: string): boolean;
}

export const fleetEndpoints = (node: SkyNode, trust: GuardTrust, configured: ReadonlySet<string>): string[] => {
  const out: string[] = [];
  for (const [peer, l] of node.links) {
    if (l.state !== 'up' && l.state !== 'rekeying') continue;
    if (!l.endpoint || l.carrier.kind !== 'udp') continue;
    if (trust.enforced ? !trust.isMember(peer) : !configured.has(peer)) continue;
    out.push(l.endpoint);
  }
  return out;
};
