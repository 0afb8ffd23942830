// The node's config file (HOME/config.json): validated field by field, and every error names
// the file, the field and what a good value looks like.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { SkywireError } from '../errors.ts';
import { parsePeerSpec, type PeerSpec } from './peer-spec.ts';
import type { LinkConfig } from '../link/link-config.ts';
import { parseRadioConfig, radioSchema, type RadioConfig } from '../radio/radio-config.ts';

export const CONFIG_FILE = 'config.json';

/** A registering node sends a few dozen packets; 300 Pis behind one NAT booting together fit
 *  in a minute at 500/s. The total bounds what many stranger addresses can cost: about 5 %
 *  of a core at Node's 8-12 us per datagram. A handshake init costs a signature check and a
 *  key exchange, and a stranger's link (1.2 ms answered on an idle core of this VM, 3 ms
 *  loaded): one NAT's boot storm of 300 fits in 15 s at 20/s, and 50/s in all keeps a flood
 *  from many addresses at about 6 % of a core, well under the guard's 200 ms/s work budget. */
export const KERNEL_GUARD_DEFAULTS: Readonly<KernelGuardConfig> = Object.freeze({ perSourcePerSec: 500, globalPerSec: 5000, initsPerSourcePerSec: 20, initsGlobalPerSec: 50 });

const ms = z.number().int().positive();
const linkSchema = z.object({
  keepaliveMs: ms, deadAfterMs: ms, handshakeRetryMs: ms, handshakeAttempts: ms,
  backoffBaseMs: ms, backoffMaxMs: ms, rekeyAfterMs: ms, rekeyAfterPackets: ms,
}).partial().strict();

const peerSchema = z.union([
  z.string(),
  z.object({ address: z.string(), endpoint: z.string(), name: z.string().optional() }).strict(),
]);

export const configSchema = z.object({
  version: z.literal(1).default(1),
  name: z.string().max(64).optional(),
  listen: z.string().optional(),
  peers: z.array(peerSchema).default([]),
  acceptUnknown: z.boolean().default(false),
  link: linkSchema.default({}),
  /** The master's Ed25519 public key (base64): the only key whose commands this node obeys. */
  master: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be a 32-byte Ed25519 public key in base64').optional(),
  /** Relays from the boot file: kept as outbound peers so a firewalled node stays reachable. */
  relays: z.array(z.string()).default([]),
  /** Version of the last config the master pushed (set-config); 0 before any. */
  configVersion: z.number().int().nonnegative().default(0),
  /** A KISS TNC on a serial port (src/radio/radio-config.ts); open it with openRadioCarrier. */
  radio: radioSchema.optional(),
  /** More TNCs, one channel each (a relay between two radio channels, or an HF and a VHF
   *  radio): each is a radio section of its own. */
  radios: z.array(radioSchema).max(8).default([]),
  /** A leaf: learn only the neighbours' own topology records and fetch others when dialling. */
  stub: z.boolean().default(false),
  /** Applications. unsandboxed: run apps under Node's permission model when bubblewrap is
   *  missing (weaker: no network isolation; see README "Applications"). Off by default. */
  apps: z.object({ allowWeakSandbox: z.boolean().default(false) }).strict().default({ allowWeakSandbox: false }),
  /** The kernel guard (src/env/nft-guard.ts): nftables drops strangers' packets over these rates
   *  before Node reads them; the fleet's endpoints pass. true takes the defaults. Needs root or
   *  CAP_NET_ADMIN; off by default (a table in the host's firewall is the operator's choice). */
  kernelGuard: z.union([z.boolean(), z.object({
    perSourcePerSec: z.number().int().min(10).max(1_000_000).default(KERNEL_GUARD_DEFAULTS.perSourcePerSec),
    globalPerSec: z.number().int().min(10).max(10_000_000).default(KERNEL_GUARD_DEFAULTS.globalPerSec),
    initsPerSourcePerSec: z.number().int().min(1).max(100_000).default(KERNEL_GUARD_DEFAULTS.initsPerSourcePerSec),
    initsGlobalPerSec: z.number().int().min(1).max(1_000_000).default(KERNEL_GUARD_DEFAULTS.initsGlobalPerSec),
  }).strict()]).default(false),
}).strict();

export type ConfigDocument = z.input<typeof configSchema>;

export interface NodeConfig {
  name?: string | undefined;
  listen?: string | undefined;
  peers: PeerSpec[];
  link: Partial<LinkConfig>;
  master?: string | undefined;
  relays: PeerSpec[];
  configVersion: number;
  radio?: RadioConfig | undefined;
  /** Every radio: `radio` first, then `radios`. */
  radios: RadioConfig[];
  stub?: boolean | undefined;
  apps: { allowWeakSandbox: boolean };
  kernelGuard?: KernelGuardConfig | undefined;
}

export interface KernelGuardConfig { perSourcePerSec: number; globalPerSec: number; initsPerSourcePerSec: number; initsGlobalPerSec: number }

export const configPath = (home: string): string => join(home, CONFIG_FILE);

/** The raw JSON document of HOME/config.json ({} when missing), for tools that rewrite it. */
export const readConfigDocument = (home: string): Record<string, unknown> => {
  try {
    return JSON.parse(readFileSync(configPath(home), 'utf8')) as Record<string, unknown>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new SkywireError('CONFIG_INVALID', `${configPath(home)}: ${(e as Error).message}`);
  }
};

/** Reads HOME/config.json; a missing file is an empty config, a bad one an error. */
export const loadNodeConfig = (home: string): NodeConfig => {
  const path = configPath(home);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { peers: [], link: {}, relays: [], radios: [], configVersion: 0, apps: { allowWeakSandbox: false } };
    throw new SkywireError('CONFIG_UNREADABLE', `cannot read ${path} (${code}): check its owner and mode`);
  }
  return parseNodeConfig(text, path);
};

export interface ConfigIssue { field: string; message: string }

/** Every problem of a config document at once, each with its field (dotted path): the
 *  dashboard shows them beside the fields before anything is sent to the node. */
export const configIssues = (doc: unknown): ConfigIssue[] => {
  const r = configSchema.safeParse(doc);
  if (!r.success) return r.error.issues.map((i) => ({ field: i.path.join('.') || '(top level)', message: i.message }));
  try {
    parseNodeConfig(JSON.stringify(doc), 'config');
    return [];
  } catch (e) {
    const m = /^config: ([^:]+): (.*)$/s.exec((e as Error).message);
    return [m ? { field: m[1]!.trim(), message: m[2]! } : { field: '(top level)', message: (e as Error).message }];
  }
};

export const parseNodeConfig = (text: string, path: string): NodeConfig => {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new SkywireError('CONFIG_INVALID', `${path}: not valid JSON (${(e as Error).message})`);
  }
  const r = configSchema.safeParse(doc);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.join('.') || '(top level)';
    throw new SkywireError('CONFIG_INVALID', `${path}: ${field}: ${issue.message}`);
  }
  const c = r.data;
  const peers = c.peers.map((p, i) => {
    const where = `${path}: peers.${i}`;
    return typeof p === 'string' ? parsePeerSpec(p, where) : parsePeerSpec(`${p.address}@${p.endpoint}`, where);
  });
  const relays = c.relays.map((p, i) => parsePeerSpec(p, `${path}: relays.${i}`));
  const more = c.radios.map((x, i) => parseRadioConfig(x, `${path}: radios.${i}`));
  const radio = c.radio === undefined ? more[0] : parseRadioConfig(c.radio, `${path}: radio`);
  const radios = c.radio === undefined ? more : [radio!, ...more];
  const devices = radios.map((x) => x.device);
  const twice = devices.find((d, i) => devices.indexOf(d) !== i);
  if (twice !== undefined) throw new SkywireError('CONFIG_INVALID', `${path}: radios: ${twice} is named twice; each radio needs its own TNC`);
  return { name: c.name, listen: c.listen, peers, link: { ...c.link, acceptUnknown: c.acceptUnknown }, master: c.master, relays, configVersion: c.configVersion, radio, radios, stub: c.stub, apps: c.apps,
    kernelGuard: c.kernelGuard === false ? undefined : c.kernelGuard === true ? { ...KERNEL_GUARD_DEFAULTS } : c.kernelGuard };
};
