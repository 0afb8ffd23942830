// SignedCommand on the wire: the canonical JSON of the command (body + sig + key) as UTF-8.
// Parsing never throws: bytes that are not a well-formed command are null ('malformed').
import type { CommandBody, SignedCommand } from './command-types.ts';
import { canonicalJson, signingBytes } from './canonical-json.ts';
import { COMMAND_DOMAIN } from './ports.ts';

const CMDS: readonly string[] = Object.freeze(['status', 'topology', 'set-config', 'get-config', 'restart', 'exec', 'term', 'forward', 'logs',
  'app-list', 'app-start', 'app-stop', 'app-remove', 'app-install', 'app-export', 'app-import', 'app-config', 'app-config-get', 'app-logs']);
const dec = new TextDecoder('utf-8', { fatal: true });
const enc = new TextEncoder();
export const MAX_COMMAND_BYTES = 256 * 1024;

export const bodyOf = (c: CommandBody): CommandBody =>
  ({ v: c.v, node: c.node, seq: c.seq, issuedAtMs: c.issuedAtMs, cmd: c.cmd, args: c.args });

/** The bytes the master signs: domain label + canonical JSON of the body (sig and key excluded). */
export const commandSigningBytes = (c: CommandBody): Uint8Array => signingBytes(COMMAND_DOMAIN, bodyOf(c));

export const encodeCommand = (c: SignedCommand): Uint8Array => enc.encode(canonicalJson(c));

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const decodeCommand = (bytes: Uint8Array): SignedCommand | null => {
  if (bytes.length > MAX_COMMAND_BYTES) return null;
  let d: unknown;
  try {
    d = JSON.parse(dec.decode(bytes));
  } catch {
    return null;
  }
  if (!isObject(d)) return null;
  const ok = d.v === 1 && typeof d.node === 'string' && Number.isSafeInteger(d.seq) && (d.seq as number) > 0
    && Number.isSafeInteger(d.issuedAtMs) && typeof d.cmd === 'string' && CMDS.includes(d.cmd)
    && isObject(d.args) && typeof d.sig === 'string' && (d.key === undefined || typeof d.key === 'string');
  return ok ? (d as unknown as SignedCommand) : null;
};
