// DIR/skywire/master.txt, the one file an operator writes onto a Pi's boot partition. Format
// (docs/PROVISIONING.md): `master = KEY` or the key alone on the first line, optional
// `relay = ADDRESS@HOST:PORT` lines, `name = NAME` and `stub = yes|no`, `#` comments. Every error names the file,
// the line and the fix, because the person reading it is holding an SD card, not a debugger.
import { SkywireError } from '../errors.ts';
import { addressOf } from '../identity/address.ts';
import { parsePeerSpec, type PeerSpec } from '../config/peer-spec.ts';

export interface MasterFile {
  /** The master's Ed25519 public key (32 bytes). */
  masterKey: Uint8Array;
  masterAddress: string;
  relays: PeerSpec[];
  name?: string | undefined;
  /** A leaf that keeps only its relays' topology records (config.json "stub"). */
  stub?: boolean | undefined;
}

const KEY_HELP = 'the master\'s public key as "skywire id --home MASTERHOME" prints it (44 characters of base64, or 64 hex digits)';

export const parseMasterKey = (text: string): Uint8Array | null => {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return new Uint8Array(Buffer.from(t, 'hex'));
  if (/^[A-Za-z0-9+/]{43}=?$/.test(t)) {
    const b = Buffer.from(t, 'base64');
    return b.length === 32 ? new Uint8Array(b) : null;
  }
  return null;
};

/** A line as the error may quote it: printable text, at most 48 characters; anything else (a
 *  binary file, a wrong encoding) is described, never echoed onto the console. */
const quote = (s: string): string => {
  if (/[^\x20-\x7e\u00a0-\uffff]|\ufffd/.test(s)) return `(${s.length} characters of binary data)`;
  return `"${s.length > 48 ? `${s.slice(0, 45)}...` : s}"`;
};

export const parseMasterFile = (text: string, path: string): MasterFile => {
  // Every problem is collected and reported at once: one card out, one edit, one card back in.
  const problems: string[] = [];
  const bad = (line: number, what: string, fix: string): undefined => {
    problems.push(`line ${line}: ${what}. Fix: ${fix}`);
    return undefined;
  };
  let key: Uint8Array | undefined;
  let name: string | undefined;
  let stub: boolean | undefined;
  const relays: PeerSpec[] = [];
  let seen = 0;
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, i) => {
    const n = i + 1;
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    seen++;
    // A bare key is allowed only as the first meaningful line ("paste the key" is step 2). A
    // base64 key ends in "=", so it is recognised before the line is split at "=".
    const bare = seen === 1 && parseMasterKey(line) !== null;
    const eq = bare ? -1 : line.indexOf('=');
    if (!bare && eq < 0) {
      if (seen === 1) return bad(n, `${quote(line)} is not a public key`, `put ${KEY_HELP}`);
      return bad(n, `${quote(line)} is not a setting`, 'write settings as "master = KEY", "relay = ADDRESS@HOST:PORT" or "name = NAME"');
    }
    const field = bare ? 'master' : line.slice(0, eq).trim().toLowerCase();
    const value = bare ? line : line.slice(eq + 1).trim();
    if (field === 'master') {
      if (key) return bad(n, 'a second master key', 'keep exactly one "master = KEY" line');
      key = parseMasterKey(value) ?? bad(n, `${quote(value)} is not a public key`, `put ${KEY_HELP}`);
    } else if (field === 'relay') {
      try {
        relays.push(parsePeerSpec(value, 'relay'));
      } catch (e) {
        bad(n, /[^\x20-\x7e]/.test(value) ? `${quote(value)} is not ADDRESS@HOST:PORT` : (e as Error).message, 'write "relay = ADDRESS@HOST:PORT" with the relay\'s address from "skywire id" and its public IP or name and UDP port');
      }
    } else if (field === 'stub') {
      if (!/^(yes|no|true|false)$/i.test(value)) return bad(n, `stub ${quote(value)} is not yes or no`, 'write "stub = yes" for a leaf that only links out to relays, or leave the line out');
      stub = /^(yes|true)$/i.test(value);
    } else if (field === 'name') {
      if (!/^[\w.-]{1,64}$/.test(value)) return bad(n, `name ${quote(value)} is not allowed`, 'use 1-64 letters, digits, "-", "_" or "."');
      name = value;
    } else {
      bad(n, `unknown setting ${quote(field)}`, 'the settings are master, relay, name and stub');
    }
  });
  if (!key && problems.length === 0) throw new SkywireError('BOOT_FILE_INVALID', `${path}: no master key. Fix: put ${KEY_HELP} on the first line, or a line "master = KEY"`);
  if (problems.length === 1) throw new SkywireError('BOOT_FILE_INVALID', `${path} ${problems[0]}`);
  if (problems.length > 1) throw new SkywireError('BOOT_FILE_INVALID', `${path} has ${problems.length} problems: ${problems.join('; ')}`);
  if (!key) throw new SkywireError('BOOT_FILE_INVALID', `${path}: no master key`);
  return { masterKey: key, masterAddress: addressOf(key), relays, name, stub };
};
