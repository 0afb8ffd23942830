// The key file is the node's identity: created once with mode 0600 and never overwritten.
// A corrupt file is an error that names the file and the fix; it must never quietly become a
// new identity, because that would change the node's address under the operator's feet.
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { prepareHome } from '../node/home-dir.ts';
import { join, dirname } from 'node:path';
import { SkywireError } from '../errors.ts';
import type { CryptoSuite } from './crypto-suite.ts';
import { identityFromSeed, type Identity } from './identity.ts';

export const KEY_FILE = 'identity.json';
export const keyFilePath = (home: string): string => join(home, KEY_FILE);

const corrupt = (path: string, why: string): SkywireError =>
  new SkywireError('KEY_FILE_CORRUPT', `key file ${path} is corrupt (${why}). Restore it from a backup; ` +
    `or, to give this node a NEW address, move the file away and run "skywire init --home ${dirname(path)}"`);

export const loadIdentity = (suite: CryptoSuite, home: string): Identity => {
  const path = keyFilePath(home);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SkywireError('KEY_FILE_MISSING', `no key file at ${path}: run "skywire init --home ${home}" to create this node's identity`);
    throw new SkywireError('KEY_FILE_UNREADABLE', `cannot read key file ${path} (${code}): check its owner and mode (it should be 0600, owned by the user running skywire)`, { cause: e });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw corrupt(path, 'not valid JSON');
  }
  const d = doc as Record<string, unknown>;
  if (typeof d !== 'object' || d === null || d.version !== 1) throw corrupt(path, 'missing "version": 1');
  if (typeof d.secretKey !== 'string') throw corrupt(path, 'missing "secretKey"');
  const sk = Buffer.from(d.secretKey, 'base64');
  if (sk.length !== 64) throw corrupt(path, `"secretKey" must be 64 bytes of base64, found ${sk.length}`);
  const id = identityFromSeed(suite, sk.subarray(0, 32));
  if (!Buffer.from(id.publicKey).equals(sk.subarray(32))) throw corrupt(path, 'secret and public halves of "secretKey" do not match');
  if (d.publicKey !== undefined && d.publicKey !== Buffer.from(id.publicKey).toString('base64')) throw corrupt(path, '"publicKey" does not match "secretKey"');
  if (d.address !== undefined && d.address !== id.address) throw corrupt(path, '"address" does not match the key');
  return id;
};

/** Creates the key file atomically; fails with KEY_FILE_EXISTS rather than overwrite. */
export const createIdentity = (suite: CryptoSuite, home: string, seed: Uint8Array): Identity => {
  prepareHome(home);
  const path = keyFilePath(home);
  const id = identityFromSeed(suite, seed);
  const body = JSON.stringify({
    version: 1,
    address: id.address,
    publicKey: Buffer.from(id.publicKey).toString('base64'),
    secretKey: Buffer.from(id.secretKey).toString('base64'),
  }, null, 2) + '\n';
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, body);
    fsyncSync(fd);
  } catch (e) {
    unlinkSync(tmp); // a full disk must not keep a half-written key next to the real one
    throw e;
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path); // link(2) fails if the target exists: an atomic "create, never replace"
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new SkywireError('KEY_FILE_EXISTS', `key file ${path} already exists; it is never overwritten`);
    throw e;
  } finally {
    unlinkSync(tmp);
  }
  const dfd = openSync(home, 'r');
  try { fsyncSync(dfd); } finally { closeSync(dfd); }
  return id;
};

/** Loads the identity, creating it on first start only when no key file exists at all. */
export const loadOrCreateIdentity = (suite: CryptoSuite, home: string, seed: () => Uint8Array): { identity: Identity; created: boolean } => {
  try {
    return { identity: loadIdentity(suite, home), created: false };
  } catch (e) {
    if (!(e instanceof SkywireError) || e.code !== 'KEY_FILE_MISSING') throw e;
    return { identity: createIdentity(suite, home, seed()), created: true };
  }
};
