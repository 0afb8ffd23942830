// "NODE:/path" arguments of `skywire fs`. The path is the one inside the files app's data
// directory, so "/" is its root; NODE is an address ("skywire id" on that node), a fleet name or a
// contact: the running node resolves it (src/node/resolve-target.ts).
import { basename } from 'node:path';
import { SkywireError } from '../errors.ts';
import { existsSync } from 'node:fs';
import { isAddress } from '../sms/contacts.ts';

export interface RemoteTarget { node: string; path: string }

const REMOTE = /^([^:/]+):(.*)$/;

/** NAME: or ADDRESS: in front, and not a local file that happens to have a colon in its name. */
export const looksRemote = (text: string): boolean => /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}:/.test(text) && !existsSync(text);

export const parseRemote = (text: string): RemoteTarget => {
  const m = REMOTE.exec(text);
  if (!m) throw new SkywireError('BAD_REQUEST', `"${text}" is not NODE:/PATH (NODE is the address "skywire id" prints on that node, PATH is inside its files app, e.g. NODE:/docs/a.txt)`);
  const node = isAddress(m[1]!.toLowerCase()) ? m[1]!.toLowerCase() : m[1]!;
  return { node, path: m[2]!.replace(/^\/+/, '') };
};

/** Put and get take the remote and the local side in either order, like scp and cp do. */
export const remoteAndLocal = (a: string, b: string | undefined): { remote: RemoteTarget; local: string | undefined } => {
  if (!looksRemote(a) && b !== undefined && looksRemote(b)) return { remote: parseRemote(b), local: a };
  return { remote: parseRemote(a), local: b };
};

/** A remote directory ("/" or ending in "/") gets the local file's name, as cp does. */
export const remoteFileName = (path: string, local: string): string =>
  path === '' || path.endsWith('/') ? `${path}${basename(local)}` : path;
