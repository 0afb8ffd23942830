// Where a TCP exit (the SOCKS5 app) may connect. By default only public unicast addresses: an
// exit that reached its own loopback, LAN or cloud metadata service would hand every overlay
// peer the keys to the node's network. config/socks.json may open specific holes ("allow") or
// close more ("deny"; deny wins over allow). Addresses are checked after DNS, at the exit.
import { BlockList, isIP } from 'node:net';
import { z } from 'zod';
import { fail } from '../errors.ts';

export const EXIT_POLICY_FILE = 'socks.json';

/** Checked in order, so the narrower label (broadcast) wins over the wider one (reserved). */
const SPECIAL: readonly (readonly [string, string])[] = Object.freeze([
  ['0.0.0.0/8', 'unspecified ("this network")'], ['10.0.0.0/8', 'private'], ['100.64.0.0/10', 'carrier-grade NAT'],
  ['127.0.0.0/8', 'loopback'], ['169.254.0.0/16', 'link-local'], ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved for IETF protocols'], ['192.0.2.0/24', 'documentation'], ['192.88.99.0/24', '6to4 relay anycast'],
  ['192.168.0.0/16', 'private'], ['198.18.0.0/15', 'benchmarking'], ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'], ['224.0.0.0/4', 'multicast'], ['255.255.255.255/32', 'broadcast'],
  ['240.0.0.0/4', 'reserved'], ['::/128', 'unspecified'], ['::1/128', 'loopback'], ['fc00::/7', 'private (unique local)'],
  ['fe80::/10', 'link-local'], ['fec0::/10', 'site-local'], ['ff00::/8', 'multicast'], ['2001::/23', 'reserved for IETF protocols'],
  ['2001:db8::/32', 'documentation'], ['2002::/16', '6to4 (embeds an IPv4 address)'],
]);

const authSchema = z.object({
  // RFC 1929 carries each in a one-byte length field.
  username: z.string().min(1).refine((s) => Buffer.byteLength(s) <= 255, 'at most 255 bytes'),
  password: z.string().min(1).refine((s) => Buffer.byteLength(s) <= 255, 'at most 255 bytes'),
}).strict();

const configSchema = z.object({
  allow: z.array(z.string()).default([]),
  deny: z.array(z.string()).default([]),
  auth: authSchema.optional(),
}).strict();

export type SocksAuth = z.infer<typeof authSchema>;
export interface ExitPolicy {
  readonly allow: readonly ExitEntry[];
  readonly deny: readonly ExitEntry[];
  readonly auth: SocksAuth | undefined;
  readonly special: readonly { label: string; list: BlockList }[];
  /** IPv6 that can be public: global unicast, and IPv4-mapped (judged by its IPv4 address). */
  readonly public6: BlockList;
}
export type ExitVerdict = { ok: true } | { ok: false; reason: string };

const subnet = (cidr: string): BlockList => {
  const [net, bits] = cidr.split('/') as [string, string];
  const list = new BlockList();
  list.addSubnet(net, Number(bits), isIP(net) === 6 ? 'ipv6' : 'ipv4');
  return list;
};

/** One allow/deny entry: IP or CIDR, with ":PORT" or ":*" (IPv6 in brackets when a port follows). */
export interface ExitEntry { text: string; list: BlockList; port: number | undefined }

const ENTRY = /^\[([0-9a-fA-F:.]+(?:\/\d+)?)\](?::(\d+|\*))?$|^([0-9.]+(?:\/\d+)?)(?::(\d+|\*))?$|^([0-9a-fA-F:.]*:[0-9a-fA-F:.]*(?:\/\d+)?)$/;

const parseEntry = (text: string, where: string): ExitEntry => {
  const bad = (why: string): never => fail('CONFIG_INVALID', `${where}: "${text}" ${why}; write an IP or CIDR with an optional port, e.g. "127.0.0.1:8080", "10.0.0.0/8", "192.168.1.5:*" or "[fd00::/8]:443"`);
  const m = ENTRY.exec(text.trim()) ?? bad('is not an address entry');
  const [net, bits] = (m[1] ?? m[3] ?? m[5]!).split('/') as [string, string | undefined];
  const portText = m[2] ?? m[4];
  const family = isIP(net);
  if (family === 0) bad(`has no valid IP address ("${net}")`);
  const max = family === 6 ? 128 : 32;
  if (bits !== undefined && !(Number(bits) >= 0 && Number(bits) <= max)) bad(`has a prefix length outside 0..${max}`);
  const port = portText === undefined || portText === '*' ? undefined : Number(portText);
  if (port !== undefined && !(port >= 1 && port <= 65535)) bad('has a port outside 1..65535');
  return { text, list: subnet(`${net}/${bits ?? max}`), port };
};

export const parseExitPolicy = (config: unknown, where = EXIT_POLICY_FILE): ExitPolicy => {
  const r = configSchema.safeParse(config ?? {});
  if (!r.success) {
    const first = r.error.issues[0]!;
    return fail('CONFIG_INVALID', `${where}: ${first.path.join('.') || '(top)'}: ${first.message} (expected {"allow": [...], "deny": [...], "auth": {"username", "password"}})`);
  }
  const entries = (key: 'allow' | 'deny'): ExitEntry[] => r.data[key].map((text, i) => parseEntry(text, `${where}: ${key}[${i}]`));
  const public6 = subnet('2000::/3');
  public6.addSubnet('::ffff:0:0', 96, 'ipv6');
  return {
    allow: entries('allow'),
    deny: entries('deny'),
    auth: r.data.auth,
    special: SPECIAL.map(([cidr, label]) => ({ label, list: subnet(cidr) })),
    public6,
  };
};

export const checkDestination = (policy: ExitPolicy, ip: string, port: number): ExitVerdict => {
  const family = isIP(ip);
  if (family === 0) return { ok: false, reason: `"${ip}" is not an IP address` };
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { ok: false, reason: `port ${port} is not 1..65535` };
  const type = family === 6 ? 'ipv6' : 'ipv4';
  const hits = (e: ExitEntry): boolean => (e.port === undefined || e.port === port) && e.list.check(ip, type);
  const denied = policy.deny.find(hits);
  if (denied) return { ok: false, reason: `${ip} port ${port} matches deny entry "${denied.text}" in ${EXIT_POLICY_FILE}` };
  if (policy.allow.some(hits)) return { ok: true };
  const how = `; add "${family === 6 ? `[${ip}]` : ip}:${port}" to "allow" in the exit's ${EXIT_POLICY_FILE} to permit it`;
  const special = policy.special.find((s) => s.list.check(ip, type));
  if (special) return { ok: false, reason: `${ip} is a ${special.label} address, which an exit refuses by default${how}` };
  if (family === 6 && !policy.public6.check(ip, type)) return { ok: false, reason: `${ip} is not a public unicast address${how}` };
  return { ok: true };
};
