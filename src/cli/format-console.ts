// The node's status page on a console screen (tty1 on the image, `skywire status --watch`): the
// few facts a person standing by the Pi needs, big enough to read from across the room: who the
// node is, where its master is, whether it is registered, and what is wrong if it is not.
import type { NodeStatus } from '../node/node-status.ts';
import type { FleetStatusPart } from './format-fleet-status.ts';

export interface ConsoleFacts {
  /** This machine's non-loopback IP addresses, by interface. */
  addresses: { iface: string; address: string }[];
  version: string;
}

const row = (label: string, value: string): string => `  ${label.padEnd(14)}${value}`;

export const formatConsole = (s: (NodeStatus & FleetStatusPart) | null, facts: ConsoleFacts, problem: string | null): string => {
  const lines = ['', `  SKYWIRE NODE  ${facts.version}`, ''];
  if (!s) {
    lines.push(row('state', 'starting: the node is not answering yet'));
    if (problem) lines.push(row('', problem));
  } else {
    lines.push(row('name', s.name));
    lines.push(row('address', s.address));
    const m = s.master;
    const reg = m?.registration;
    lines.push(row('master', m?.master ?? 'none: write skywire/master.txt on the boot partition'));
    lines.push(row('state', reg ? `${reg.state.toUpperCase()}${reg.lastError ? ` (last error: ${reg.lastError})` : ''}` : m?.master ? 'this node is the master' : 'not registered'));
    if (s.boot && !s.boot.ok) lines.push(row('boot file', `ERROR ${s.boot.error ?? ''}`));
    const up = s.links.filter((l) => l.state === 'up').length;
    lines.push(row('links', `${up} up of ${s.links.length}`));
    for (const l of s.links.slice(0, 6)) lines.push(row('', `${l.peer.slice(0, 26).padEnd(28)}${l.state}${l.problem ? `: ${l.problem}` : ''}`.slice(0, 64)));
  }
  lines.push(row('network', facts.addresses.length ? facts.addresses.map((a) => `${a.iface} ${a.address}`).join(', ') : 'no address yet (cable? DHCP?)'));
  lines.push('', '  Manage this node from its master: skywire nodes, skywire term NODE.', '');
  return lines.join('\n') + '\n';
};
