import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMasterFile, parseMasterKey } from '../src/boot/master-file.ts';
import { defaultBootDir, masterFilePath } from '../src/boot/boot-dir.ts';
import { BootWatcher } from '../src/boot/boot-watcher.ts';
import { applyBootFile } from '../src/boot/apply-boot.ts';
import { loadNodeConfig } from '../src/config/node-config.ts';
import { identityFromSeed } from '../src/identity/identity.ts';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { isSkywireError } from '../src/errors.ts';
import { MemClock } from './helpers/mem-clock.ts';
import { tempDir } from './helpers/temp-dirs.ts';

const suite = nodeSuite();
const master = identityFromSeed(suite, new Uint8Array(32).fill(7));
const relay = identityFromSeed(suite, new Uint8Array(32).fill(9));
const B64 = Buffer.from(master.publicKey).toString('base64');
const HEX = Buffer.from(master.publicKey).toString('hex');
const P = '/boot/skywire/master.txt';

test('a bare base64 key on the first line is the whole file', (t) => {
  const mf = parseMasterFile(`${B64}\n`, P);
  t.deepEqual(mf.masterKey, master.publicKey);
  t.is(mf.masterAddress, master.address);
  t.deepEqual(mf.relays, []);
  t.is(mf.name, undefined);
});

test('master = HEX, repeatable relays, a name, comments and CRLF', (t) => {
  const text = `# written by hand\r\nmaster = ${HEX}  # the key\r\n\r\nrelay = ${relay.address}@203.0.113.5:7000\r\nrelay=${relay.address}@relay.example.org:7001\r\nname = kitchen-pi\r\n`;
  const mf = parseMasterFile(text, P);
  t.deepEqual(mf.masterKey, master.publicKey);
  t.deepEqual(mf.relays.map((r) => r.endpoint), ['203.0.113.5:7000', 'relay.example.org:7001']);
  t.is(mf.name, 'kitchen-pi');
});

const errorOf = (text: string): string => {
  try {
    parseMasterFile(text, P);
  } catch (e) {
    if (isSkywireError(e, 'BOOT_FILE_INVALID')) return e.message;
    throw e;
  }
  throw new Error('parsed');
};

test('every problem in the file is reported at once, and binary garbage is described, not echoed', (t) => {
  const e = errorOf(`${B64}\nrelay = nope\ncolour = blue\nstub = maybe\n`);
  t.regex(e, /master\.txt has 3 problems: line 2: .*; line 3: unknown setting "colour".*; line 4: stub "maybe" is not yes or no/);
  t.false(e.includes('\n'), 'one line');
  const garbage = errorOf(`${B64}\nname = \u0000\u0001\u00ff\ufffd\ufffd\u0007\n\u0001\u0002garbage\n`);
  t.regex(garbage, /line 2: name \(6 characters of binary data\) is not allowed.*line 3: \(9 characters of binary data\) is not a setting/);
  t.false(/[\x00-\x08]/.test(garbage), 'no control characters reach the console');
});

test('errors name the file, the line and the fix', (t) => {
  t.regex(errorOf('not-a-key\n'), /master\.txt line 1: "not-a-key" is not a public key\. Fix: put the master's public key/);
  t.regex(errorOf(`${B64}\nrelay = nope\n`), /line 2: .*Fix: write "relay = ADDRESS@HOST:PORT"/);
  t.regex(errorOf(`# c\n${B64}\ncolour = blue\n`), /line 3: unknown setting "colour"/);
  t.regex(errorOf(`${B64}\nmaster = ${B64}\n`), /line 2: a second master key/);
  t.regex(errorOf(`name = x\n`), /no master key\. Fix/);
  t.regex(errorOf(`${B64}\nname = has space\n`), /line 2: name "has space" is not allowed/);
  t.regex(errorOf(`${B64.slice(0, 40)}\n`), /line 1/);
});

test('keys: base64 with or without padding, hex; wrong lengths refused', (t) => {
  t.deepEqual(parseMasterKey(B64.replace(/=$/, '')), master.publicKey);
  t.deepEqual(parseMasterKey(HEX.toUpperCase()), master.publicKey);
  t.is(parseMasterKey(HEX.slice(2)), null);
  t.is(parseMasterKey(Buffer.alloc(33).toString('base64')), null);
});

test('default boot dir prefers /boot/firmware, falls back to /boot', (t) => {
  t.is(defaultBootDir((p) => p === '/boot/firmware' || p === '/boot'), '/boot/firmware');
  t.is(defaultBootDir((p) => p === '/boot' || p === '/boot/skywire'), '/boot');
  t.is(defaultBootDir(() => false), '/boot');
  t.is(masterFilePath('/boot'), '/boot/skywire/master.txt');
});

test('the watcher reports a missing file once, keeps polling, and reports the fixed file', (t) => {
  const clock = new MemClock();
  let file: string | null = null;
  const errors: string[] = [];
  const valid: string[] = [];
  const w = new BootWatcher({
    path: P, clock, pollMs: 1000,
    read: () => { if (file === null) throw Object.assign(new Error('no'), { code: 'ENOENT' }); return file; },
    onValid: (mf) => valid.push(mf.masterAddress), onError: (e) => errors.push(e.code),
  }).start();
  clock.advance(5000);
  t.deepEqual(errors, ['BOOT_FILE_MISSING']);
  t.false(w.status.ok);
  file = 'garbage';
  clock.advance(1000);
  t.deepEqual(errors, ['BOOT_FILE_MISSING', 'BOOT_FILE_INVALID']);
  t.regex(w.status.error!, /line 1/);
  file = B64;
  clock.advance(1000);
  t.deepEqual(valid, [master.address]);
  t.true(w.status.ok);
  clock.advance(10_000);
  t.is(valid.length, 1, 'an unchanged file is not reported again');
  w.stop();
  t.is(clock.pending, 0);
});

test('applying the boot file writes config.json (master, relays, name), keeps other fields, and is idempotent', (t) => {
  const home = tempDir('sky-bootcfg-');
  writeFileSync(join(home, 'config.json'), JSON.stringify({ version: 1, listen: '127.0.0.1:7000', configVersion: 4 }));
  const mf = parseMasterFile(`${B64}\nrelay = ${relay.address}@127.0.0.1:7100\nname = pi\n`, P);
  t.true(applyBootFile(home, mf));
  const c = loadNodeConfig(home);
  t.is(c.master, B64);
  t.deepEqual(c.relays, [{ address: relay.address, endpoint: '127.0.0.1:7100' }]);
  t.is(c.name, 'pi');
  t.is(c.listen, '127.0.0.1:7000');
  t.is(c.configVersion, 4);
  const before = readFileSync(join(home, 'config.json'), 'utf8');
  t.false(applyBootFile(home, mf));
  t.is(readFileSync(join(home, 'config.json'), 'utf8'), before);
  t.false(existsSync(join(home, `config.json.${process.pid}.tmp`)), 'no temp file left behind');
});

test('stub = yes makes the node a topology stub in config.json; a bad value names the fix', (t) => {
  const home = tempDir('sky-bootstub-');
  t.true(applyBootFile(home, parseMasterFile(`${B64}\nstub = yes\n`, P)));
  t.true(loadNodeConfig(home).stub);
  t.true(applyBootFile(home, parseMasterFile(`${B64}\nstub = no\n`, P)));
  t.false(loadNodeConfig(home).stub);
  t.is(loadNodeConfig(tempDir('sky-bootstub-')).stub, undefined, 'no config: not a stub');
  const e = t.throws(() => parseMasterFile(`${B64}\nstub = maybe\n`, P));
  t.regex(e.message, /line 2.*stub "maybe" is not yes or no.*stub = yes/);
});
