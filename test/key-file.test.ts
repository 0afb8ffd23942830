import test from 'ava';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIdentity, keyFilePath, loadIdentity, loadOrCreateIdentity, KEY_FILE } from '../src/identity/key-file.ts';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { identityFromSeed } from '../src/identity/identity.ts';
import { isSkywireError, type ErrorCode } from '../src/errors.ts';
import { tempDir } from './helpers/temp-dirs.ts';

const suite = nodeSuite();
const seedOf = (n: number): Uint8Array => new Uint8Array(32).fill(n);

const tempHome = (t: { teardown(fn: () => void): void }): string => {
  const dir = tempDir('skywire-keyfile-');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'home'); // not yet created: createIdentity must make it
};

const throwsCode = (t: import('ava').ExecutionContext, fn: () => unknown, code: ErrorCode, what: string): void => {
  const err = t.throws(fn, undefined, what);
  t.true(isSkywireError(err, code), `${what}: expected ${code}, got ${String((err as { code?: string } | undefined)?.code)}: ${String(err)}`);
};

test('createIdentity writes identity.json with mode 0600 (and its home 0700) that loads back to the same identity', (t) => {
  const home = tempHome(t);
  const id = createIdentity(suite, home, seedOf(1));
  const path = keyFilePath(home);
  t.is(path, join(home, KEY_FILE));
  t.is(statSync(path).mode & 0o777, 0o600);
  t.is(statSync(home).mode & 0o777, 0o700);
  const doc = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  t.is(doc.version, 1);
  t.is(doc.address, id.address);
  t.is(doc.publicKey, Buffer.from(id.publicKey).toString('base64'));
  t.is(Buffer.from(doc.secretKey as string, 'base64').length, 64);
  const loaded = loadIdentity(suite, home);
  t.is(loaded.address, id.address);
  t.deepEqual(loaded.secretKey, id.secretKey);
  t.is(id.address, identityFromSeed(suite, seedOf(1)).address);
  t.deepEqual(readdirSync(home), [KEY_FILE], 'no temporary file left behind');
});

test('loadOrCreateIdentity creates on first start, then loads the same address', (t) => {
  const home = tempHome(t);
  let seeds = 0;
  const seed = (): Uint8Array => seedOf(10 + seeds++);
  const first = loadOrCreateIdentity(suite, home, seed);
  t.true(first.created);
  const bytes = readFileSync(keyFilePath(home));
  const second = loadOrCreateIdentity(suite, home, seed);
  t.false(second.created);
  t.is(second.identity.address, first.identity.address);
  t.is(seeds, 1, 'the seed source is not consulted when the file exists');
  t.deepEqual(readFileSync(keyFilePath(home)), bytes, 'loading does not rewrite the file');
});

test('createIdentity on an existing file throws KEY_FILE_EXISTS and leaves it byte-identical', (t) => {
  const home = tempHome(t);
  const id = createIdentity(suite, home, seedOf(2));
  const before = readFileSync(keyFilePath(home));
  throwsCode(t, () => createIdentity(suite, home, seedOf(3)), 'KEY_FILE_EXISTS', 'second create');
  t.deepEqual(readFileSync(keyFilePath(home)), before);
  t.is(loadIdentity(suite, home).address, id.address);
  t.deepEqual(readdirSync(home), [KEY_FILE], 'the temporary file is cleaned up after the refusal');
});

const validDoc = (): Record<string, unknown> => {
  const id = identityFromSeed(suite, seedOf(4));
  return { version: 1, address: id.address, publicKey: Buffer.from(id.publicKey).toString('base64'), secretKey: Buffer.from(id.secretKey).toString('base64') };
};

const corruptions: [string, () => string][] = [
  ['truncated JSON', () => JSON.stringify(validDoc(), null, 2).slice(0, 60)],
  ['empty file', () => ''],
  ['JSON null', () => 'null'],
  ['JSON array', () => '[1,2]'],
  ['wrong version', () => JSON.stringify({ ...validDoc(), version: 2 })],
  ['missing secretKey', () => JSON.stringify({ ...validDoc(), secretKey: undefined })],
  ['secretKey 63 bytes', () => { const d = validDoc(); return JSON.stringify({ ...d, secretKey: Buffer.from(d.secretKey as string, 'base64').subarray(0, 63).toString('base64') }); }],
  ['secretKey 65 bytes', () => { const d = validDoc(); return JSON.stringify({ ...d, secretKey: Buffer.concat([Buffer.from(d.secretKey as string, 'base64'), Buffer.of(0)]).toString('base64') }); }],
  ['secretKey 32 bytes (seed only)', () => { const d = validDoc(); return JSON.stringify({ ...d, secretKey: Buffer.from(d.secretKey as string, 'base64').subarray(0, 32).toString('base64') }); }],
  ['public half of secretKey altered', () => { const d = validDoc(); const sk = Buffer.from(d.secretKey as string, 'base64'); sk[40]! ^= 1; return JSON.stringify({ ...d, secretKey: sk.toString('base64') }); }],
  ['publicKey not matching', () => JSON.stringify({ ...validDoc(), publicKey: Buffer.from(identityFromSeed(suite, seedOf(5)).publicKey).toString('base64') })],
  ['address not matching the key', () => JSON.stringify({ ...validDoc(), address: identityFromSeed(suite, seedOf(5)).address })],
];

for (const [name, body] of corruptions) {
  test(`corrupt key file (${name}) → KEY_FILE_CORRUPT, never a new identity, file unchanged`, (t) => {
    const home = tempHome(t);
    mkdirSync(home, { mode: 0o700 });
    const path = keyFilePath(home);
    writeFileSync(path, body(), { mode: 0o600 });
    const before = readFileSync(path);
    let seeded = 0;
    throwsCode(t, () => loadIdentity(suite, home), 'KEY_FILE_CORRUPT', 'loadIdentity');
    throwsCode(t, () => loadOrCreateIdentity(suite, home, () => { seeded++; return seedOf(6); }), 'KEY_FILE_CORRUPT', 'loadOrCreateIdentity');
    t.is(seeded, 0, 'no seed was drawn for a new identity');
    t.deepEqual(readFileSync(path), before);
    t.deepEqual(readdirSync(home), [KEY_FILE]);
    const err = t.throws(() => loadIdentity(suite, home));
    t.true(err!.message.includes(path), 'the message names the file');
  });
}

test('a valid file with only version and secretKey (no optional fields) loads', (t) => {
  const home = tempHome(t);
  mkdirSync(home, { mode: 0o700 });
  const d = validDoc();
  writeFileSync(keyFilePath(home), JSON.stringify({ version: 1, secretKey: d.secretKey }), { mode: 0o600 });
  t.is(loadIdentity(suite, home).address, d.address as string);
});

// Tests run as root here, so chmod 000 would still be readable; a directory at the key path is
// an unreadable key file for every user (EISDIR).
test('an unreadable key path (a directory) → KEY_FILE_UNREADABLE, and nothing is created', (t) => {
  const home = tempHome(t);
  mkdirSync(keyFilePath(home), { recursive: true });
  throwsCode(t, () => loadIdentity(suite, home), 'KEY_FILE_UNREADABLE', 'loadIdentity');
  let seeded = 0;
  throwsCode(t, () => loadOrCreateIdentity(suite, home, () => { seeded++; return seedOf(7); }), 'KEY_FILE_UNREADABLE', 'loadOrCreateIdentity');
  t.is(seeded, 0);
  t.true(statSync(keyFilePath(home)).isDirectory());
  t.deepEqual(readdirSync(home), [KEY_FILE]);
  t.deepEqual(readdirSync(keyFilePath(home)), []);
});

test('a missing key file is KEY_FILE_MISSING for loadIdentity', (t) => {
  const home = tempHome(t);
  throwsCode(t, () => loadIdentity(suite, home), 'KEY_FILE_MISSING', 'loadIdentity');
});
