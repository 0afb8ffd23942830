// Which node a command means: an address, a node's name, or a unique address prefix, the same
// for `route`, `ping`, `connect`, `fs NODE:/path` and `socks --exit NODE` as for the master's
// `term` and `exec`. Names come, in this order, from the master's registry (on the master),
// from the fleet's credentials this node holds (names the master signed, so a stranger cannot
// claim one), and from the node's contacts (HOME/contacts.json, which the operator wrote).
import { SkywireError } from '../errors.ts';
import { isAddress, readContacts } from '../sms/contacts.ts';
import type { Membership } from '../membership/membership.ts';

export interface Resolved { address: string; name: string }

export interface ResolveSources {
  home: string;
  membership: Membership;
  /** The master's own registry lookup (run-master.ts); undefined on other nodes. */
  registry?: ((ref: string) => Resolved) | undefined;
}

export const resolveTarget = (s: ResolveSources, ref: string): Resolved => {
  if (isAddress(ref)) return { address: ref, name: s.membership.credential(ref)?.name ?? '' };
  if (s.registry) return s.registry(ref);
  const creds = s.membership.current();
  const named = creds.filter((c) => c.name === ref);
  if (named.length === 1) return { address: named[0]!.address, name: ref };
  if (named.length > 1) throw new SkywireError('UNKNOWN_NODE', `"${ref}" names ${named.length} nodes (${named.map((c) => c.address).join(', ')}); give the address`);
  const contact = readContacts(s.home)[ref];
  if (contact) return { address: contact, name: ref };
  const byPrefix = ref.length >= 4 ? creds.filter((c) => c.address.startsWith(ref)) : [];
  if (byPrefix.length === 1) return { address: byPrefix[0]!.address, name: byPrefix[0]!.name };
  throw new SkywireError('UNKNOWN_NODE', byPrefix.length > 1
    ? `"${ref}" matches ${byPrefix.length} nodes; give more of the address`
    : `"${ref}" is not an address, and no node of the fleet this node knows or contact has that name: give the address ("skywire id" on that node), or add a contact with "skywire sms contacts add ${ref} ADDRESS --home ${s.home}"`);
};
