// Which destinations a node lets its master reach through `skywire forward`. Loopback only by
// default, so a forward reaches the node's own services (its sshd) and not the node's LAN; a
// config may name more hosts, or '*' for any.
import { isIP } from 'node:net';

export interface ForwardPolicy { allowHosts?: readonly string[] }

const isLoopback = (host: string): boolean => {
  const h = host.toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '[::1]') return true;
  return isIP(h) === 4 && h.startsWith('127.');
};

export const forwardAllowed = (host: string, port: number, policy: ForwardPolicy = {}): boolean => {
  if (!Number.isInteger(port) || port < 1 || port > 65535 || host.length === 0 || host.length > 253) return false;
  if (isLoopback(host)) return true;
  const allow = policy.allowHosts ?? [];
  return allow.includes('*') || allow.some((a) => a.toLowerCase() === host.toLowerCase());
};
