// "NODE:/path" arguments of `skywire fs`. The path is the one inside the files app's data
// directory, so "/" is its root; NODE is the full address "skywire id" prints on that node.
import { basename } from 'node:path';
import { SkywireError } from '../errors.ts';
import { parseAddress } from '../identity/address.ts';

export interface RemoteTarget { node: string; path: string }

const REMOTE = /^([^:/]+):(.*)$/;

/** Strict, so a local file with a colon in its name is not taken for a remote one. */
export const looksRemote = (text: string): boolean => /^[a-z2-7]{26}:/i.test(text);

export const parseRemote = (text: string): RemoteTarget => {
  const m = REMOTE.exec(text);
  if (!m) throw new SkywireError('BAD_REQUEST', `"${text}" is not NODE:/PATH (NODE is the address "skywire id" prints on that node, PATH is inside its files app, e.g. NODE:/docs/a.txt)`);
  const node = m[1]!.toLowerCase();
  parseAddress(node, `node in "${text}"`);
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
