// Membership at the route layer. A relay carries a route only between two members, or between
// anyone and the master. A node with no credential yet must reach the master to register: the
// first member relay it reaches passes its setup on only along the relay's own path toward the
// master (relays cannot see a route's destination, by design), and every destination but the
// master refuses a stranger, so such a route establishes only to the master. There the
// stranger's conversation reaches only ports open to 'anyone' (registration). Credentials ride in the sealed end-to-end part of the setup and its ack, so a
// destination many hops away learns the source's without asking anyone.
import type { RouteGate } from '../route/router-ctx.ts';
import type { Membership } from './membership.ts';

/** towardMaster: this node's next hop on its path to the master, if it has one. */
export const membershipGate = (m: Membership, towardMaster: () => string | undefined): RouteGate => ({
  relay: (from, next) => {
    if (!m.enforced || from === m.masterAddress || next === m.masterAddress) return true;
    if (!m.isMember(next)) return false;
    return m.isMember(from) || next === towardMaster();
  },
  own: () => m.own()?.bytes,
  accept: (peer, credential) => {
    if (!m.enforced) return true;
    if (credential.length > 0) m.offerCredential(credential, peer);
    return m.isMember(peer) || m.self === m.masterAddress;
  },
});
