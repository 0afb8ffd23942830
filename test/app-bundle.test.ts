// App bundles: deterministic bytes (same tree -> same sha256, whatever the checkout), a pinned
// format, a faithful round trip, and refusal of every hostile archive without writing outside
// (or anything into) the destination. Hostile archives are crafted with node-tar's Header and
// with the real GNU tar.
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Header, type types } from 'tar';
import { buildBuiltinApp } from '../src/apps/builtin-build.ts';
import { buildBundle, bundleSha256 } from '../src/apps/bundle-build.ts';
import { extractBundle } from '../src/apps/bundle-extract.ts';
import { isSkywireError } from '../src/errors.ts';
import { listing } from './helpers/tree-listing.ts';
import { tempDir } from './helpers/temp-dirs.ts';

const made: string[] = [];
const tmp = (label: string): string => {
  const dir = tempDir(`sky-bundle-${label}-`);
  made.push(dir);
  return dir;
};
test.after.always(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

/** path -> [contents, executable]; a trailing slash is an empty directory. */
type Tree = Record<string, [string | Buffer, boolean] | null>;

/** Over 100 bytes with its file name: stored with the ustar prefix field. */
const LONG = `src/node_modules/a-rather-long-package-name/lib/${'x'.repeat(64)}`;

const FIXTURE: Tree = {
  'src/manifest.json': ['{"name":"pinned","version":"1.0.0","entry":"main.mjs"}\n', false],
  'src/main.mjs': ['console.log("pinned")\n', false],
  'src/bin/run': ['#!/bin/sh\necho run\n', true],
  'src/lib/a-b.js': ['export const ab = 1;\n', false],
  'src/lib/a/b.js': ['export const b = 2;\n', false],
  'src/empty/': null,
  [`${LONG}/index.js`]: ['export default 1;\n', false],
  'config/settings.json': ['{"greeting":"hello"}\n', false],
  'data/secret': ['never in a bundle\n', false],
};

/** Writes `tree` under a new directory, in the given order, with these file/dir modes (the
 *  executable bit of a file is kept) and mtimes. */
const writeTree = (tree: Tree, root: string, o: { reverse?: boolean; mode?: number; dirMode?: number; mtime?: number } = {}): string => {
  const paths = Object.keys(tree).sort();
  for (const p of o.reverse ? paths.reverse() : paths) {
    const abs = join(root, p);
    const v = tree[p];
    mkdirSync(v ? dirname(abs) : abs, { recursive: true });
    if (v) {
      writeFileSync(abs, v[0]);
      chmodSync(abs, (o.mode ?? 0o644) | (v[1] ? 0o100 : 0));
      if (o.mtime !== undefined) utimesSync(abs, o.mtime, o.mtime);
    }
  }
  if (o.dirMode !== undefined) for (const d of ['src', 'src/bin', 'src/lib', 'config']) chmodSync(join(root, d), o.dirMode);
  return root;
};


test('building twice gives the same bytes, and GNU tar reads them as fixed-owner, fixed-time ustar', async (t) => {
  const dir = writeTree(FIXTURE, tmp('twice'));
  const a = await buildBundle(dir);
  const b = await buildBundle(dir);
  t.true(a.bytes.equals(b.bytes));
  t.is(a.sha256, b.sha256);
  t.is(a.sha256, bundleSha256(a.bytes));
  t.is(a.files, 7);
  t.like(a.manifest, { name: 'pinned', version: '1.0.0', entry: 'main.mjs' });
  const file = join(dir, 'x.skybundle');
  writeFileSync(file, a.bytes);
  const lines = execFileSync('tar', ['--numeric-owner', '--full-time', '-tvf', file], { encoding: 'utf8' }).trim().split('\n');
  t.deepEqual(lines.map((l) => l.split(/\s+/).at(-1)), ['SKYWIRE-BUNDLE', 'config/', 'config/settings.json', 'src/', 'src/bin/', 'src/bin/run', 'src/empty/', 'src/lib/', 'src/lib/a-b.js', 'src/lib/a/', 'src/lib/a/b.js', 'src/main.mjs', 'src/manifest.json',
    'src/node_modules/', 'src/node_modules/a-rather-long-package-name/', 'src/node_modules/a-rather-long-package-name/lib/',
    LONG, `${LONG}/index.js`, // GNU tar shows no slash where the prefix split took it
  ]);
  t.true(lines.every((l) => / 0\/0 .* 1970-01-01 00:00:00 /.test(l)), lines.join('\n'));
  t.regex(lines.find((l) => l.endsWith('src/bin/run'))!, /^-rwxr-xr-x /);
  t.regex(lines.find((l) => l.endsWith('src/main.mjs'))!, /^-rw-r--r-- /);
});

test('a copy made in another order, directory, umask and time has the same sha256; one byte or the exec bit changes it', async (t) => {
  // Node's readdir returns names sorted per directory (libuv), whatever the creation order; the
  // bundle order (whole path, bytewise) differs from that where 'a-b.js' meets 'a/', which the
  // tar listing above and the pin check.
  const base = await buildBundle(writeTree(FIXTURE, tmp('base')));
  const deep = join(tmp('copy'), 'somewhere', 'else');
  writeTree(FIXTURE, deep, { reverse: true, mode: 0o600, dirMode: 0o700, mtime: 1_234_567_890 });
  t.is(statSync(join(deep, 'src/main.mjs')).mode & 0o777, 0o600, 'the copy really has other modes');
  t.is((await buildBundle(deep)).sha256, base.sha256);

  const byte = await buildBundle(writeTree({ ...FIXTURE, 'src/main.mjs': ['console.log("pinneD")\n', false] }, tmp('byte')));
  t.not(byte.sha256, base.sha256);
  const exec = await buildBundle(writeTree({ ...FIXTURE, 'src/main.mjs': ['console.log("pinned")\n', true] }, tmp('exec')));
  t.not(exec.sha256, base.sha256);
  const data = await buildBundle(writeTree({ ...FIXTURE, 'data/secret': ['changed\n', false] }, tmp('data')));
  t.is(data.sha256, base.sha256, 'data/ is never part of a bundle');
});

test('the format is pinned: this fixture always has this sha256', async (t) => {
  // A failure here means the bundle bytes changed, so every deployed bundle hash changes too.
  // If that is intended (a new format version in bundle-format.ts, readers updated), paste the
  // new hash here in the same commit and say so in its message; otherwise fix the writer.
  const { sha256 } = await buildBundle(writeTree(FIXTURE, tmp('pin')));
  t.is(sha256, '32daad967f5637acea2feab054023183376e17d80d8cf5adbdeecb0c4b8532d5');
});

test('extracting gives back the source tree: contents, exec bits, empty dirs; no data/', async (t) => {
  const dir = writeTree(FIXTURE, tmp('round'));
  const built = await buildBundle(dir);
  const dest = join(tmp('round-out'), 'app');
  const r = await extractBundle(built.bytes, dest);
  t.is(r.sha256, built.sha256);
  t.deepEqual(r.manifest, built.manifest);
  t.deepEqual(listing(dest), listing(dir).filter((l) => !l.startsWith('data/')));
  t.false(existsSync(join(dest, 'data')));

  // gzip-wrapped for the trip, it is still the same bundle.
  const wrapped = gzipSync(built.bytes, { level: 9 });
  t.is(bundleSha256(wrapped), built.sha256);
  t.is((await extractBundle(wrapped, join(tmp('round-gz'), 'app'))).sha256, built.sha256);
});

test('build refuses a tree with a symlink, without src/, or with a bad manifest, naming the problem', async (t) => {
  const linked = writeTree(FIXTURE, tmp('link'));
  symlinkSync('/etc/passwd', join(linked, 'src/lib/passwd'));
  const e1 = await t.throwsAsync(buildBundle(linked));
  t.true(isSkywireError(e1, 'BUNDLE_INVALID') && e1.message.includes('src/lib/passwd') && e1.message.includes('symbolic link'), e1?.message);

  const e2 = await t.throwsAsync(buildBundle(tmp('nosrc')));
  t.true(isSkywireError(e2, 'APP_INVALID'), e2?.message);
  const e3 = await t.throwsAsync(buildBundle(writeTree({ ...FIXTURE, 'src/manifest.json': ['{"name":"Bad Name","version":"1","entry":"main.mjs"}', false] }, tmp('badname'))));
  t.true(isSkywireError(e3, 'MANIFEST_INVALID') && e3.message.includes('name'), e3?.message);
  const e5 = await t.throwsAsync(buildBundle(writeTree({ ...FIXTURE, [`src/${'n'.repeat(101)}`]: ['', false] }, tmp('long'))));
  t.true(isSkywireError(e5, 'BUNDLE_INVALID') && e5.message.includes('does not fit a ustar header'), e5?.message);
  const e4 = await t.throwsAsync(buildBundle(writeTree({ ...FIXTURE, 'src/main.mjs': null }, tmp('noentry'))));
  t.true(isSkywireError(e4, 'MANIFEST_INVALID') && e4.message.includes('main.mjs'), e4?.message);
});

// ---- hostile input ----------------------------------------------------------------------

interface Crafted { path: string; type?: types.EntryTypeName; body?: string; linkpath?: string; size?: number }

/** A tar of exactly these headers and bodies, whatever they claim. */
const craft = (entries: Crafted[]): Buffer => {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '');
    const h = new Header({ path: e.path, type: e.type ?? 'File', mode: 0o644, size: e.size ?? body.length, mtime: new Date(0), linkpath: e.linkpath });
    h.encode();
    parts.push(h.block!, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  return Buffer.concat([...parts, Buffer.alloc(1024)]);
};

const MARKER: Crafted = { path: 'SKYWIRE-BUNDLE', body: '1\n' };
const MINIMAL: Crafted[] = [
  MARKER,
  { path: 'src/', type: 'Directory' },
  { path: 'src/manifest.json', body: '{"name":"mini","version":"1","entry":"main.mjs"}' },
  { path: 'src/main.mjs', body: 'x'.repeat(2000) },
];

/** Extracts into ARENA/dest and checks that nothing at all was written, in or beside dest. */
const refused = async (t: import('ava').ExecutionContext, bytes: Buffer, mentions: string, opts?: { maxBytes?: number; maxFiles?: number }): Promise<void> => {
  const arena = tmp('hostile');
  const e = await t.throwsAsync(extractBundle(bytes, join(arena, 'dest'), opts));
  t.true(isSkywireError(e, 'BUNDLE_INVALID'), `${mentions}: ${e?.message}`);
  t.true(e!.message.includes(mentions), `message names "${mentions}": ${e!.message}`);
  t.deepEqual(readdirSync(arena), [], `${mentions}: nothing left in or beside dest`);
};

test('a minimal crafted bundle extracts, so each refusal below is caused by its one bad entry', async (t) => {
  const dest = join(tmp('mini'), 'dest');
  t.is((await extractBundle(craft(MINIMAL), dest)).manifest.name, 'mini');
  t.deepEqual(listing(dest).map((l) => l.split(' ')[0]), ['src/', 'src/main.mjs', 'src/manifest.json']);
});

test('every hostile bundle is refused with BUNDLE_INVALID naming the entry, and writes nothing', async (t) => {
  const arenaAbs = join(tmp('abs'), 'abs-evil');
  const cases: Array<[string, Crafted]> = [
    ['../evil', { path: '../evil', body: 'x' }],
    ['src/../../evil', { path: 'src/../../evil', body: 'x' }],
    [arenaAbs, { path: arenaAbs, body: 'x' }],
    ['symbolic link', { path: 'src/link', type: 'SymbolicLink', linkpath: '/etc' }],
    ['hard link', { path: 'src/hard', type: 'Link', linkpath: 'src/main.mjs' }],
    ['character device', { path: 'src/tty', type: 'CharacterDevice' }],
    ['block device', { path: 'src/sda', type: 'BlockDevice' }],
    ['FIFO', { path: 'src/fifo', type: 'FIFO' }],
    ['pax header', { path: 'src/PaxHeader', type: 'ExtendedHeader', body: '30 path=../../../../etc/evil\n' }],
    ['data/x', { path: 'data/x', body: 'data is never in a bundle' }],
    ['other/x', { path: 'other/x', body: 'x' }],
    ['appears twice', { path: 'src/main.mjs', body: 'again' }],
    ['both a file and a directory', { path: 'src/main.mjs/inner', body: 'x' }],
  ];
  for (const [mentions, bad] of cases) await refused(t, craft([...MINIMAL, bad]), mentions);
  t.false(existsSync(arenaAbs));

  const good = craft(MINIMAL);
  await refused(t, good, 'src/main.mjs', { maxBytes: 1500 });
  await refused(t, good, 'src/main.mjs', { maxFiles: 2 });
  await refused(t, good.subarray(0, 2000), 'truncated');
  await refused(t, gzipSync(good).subarray(0, 200), 'truncated');
  await refused(t, gzipSync(Buffer.concat([good, Buffer.alloc(8 << 20)])), 'inflates to more than', { maxBytes: 4096, maxFiles: 10 });
  const flipped = Buffer.from(good);
  flipped.writeUInt8(flipped[1027]! ^ 1, 1027);
  await refused(t, flipped, 'corrupt header at byte 1024');
  await refused(t, craft(MINIMAL.slice(1)), 'first entry is "src/", not "SKYWIRE-BUNDLE"');
  await refused(t, craft([{ ...MARKER, body: '2\n' }, ...MINIMAL.slice(1)]), 'format version "2" is not supported');
  await refused(t, craft([{ path: 'SKYWIRE-ARCHIVE', body: '1\n' }, ...MINIMAL.slice(1)]), 'not an app bundle');
  await refused(t, Buffer.concat([good, Buffer.from('trailing')]), 'after the end-of-archive');
});

test('random damage to a bundle is refused with a SkywireError or extracts, never anything else', async (t) => {
  // Seeded, so a failure names an input that can be replayed.
  let seed = 0x5eed;
  const rand = (n: number): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed % n; };
  const good = (await buildBundle(writeTree(FIXTURE, tmp('fuzz-src')))).bytes;
  const wrapped = gzipSync(good);
  const arena = tmp('fuzz');
  const outcomes = { refused: 0, extracted: 0 };
  for (let i = 0; i < 600; i++) {
    const input = Buffer.from(i % 10 === 9 ? wrapped : good);
    const hits = 1 + rand(4);
    for (let k = 0; k < hits; k++) {
      // Mostly headers (where the parser decides things), sometimes anywhere, sometimes 0x80/0xff
      // (node-tar's base-256 number marker).
      const at = rand(3) === 0 ? rand(input.length) : rand(8) * 512 + rand(512);
      if (at < input.length) input[at] = rand(4) === 0 ? [0x80, 0xff][rand(2)]! : rand(256);
    }
    const cut = rand(5) === 0 ? rand(input.length) : input.length;
    try {
      await extractBundle(input.subarray(0, cut), join(arena, `d${i}`));
      outcomes.extracted++;
    } catch (e) {
      if (!isSkywireError(e)) return t.fail(`input ${i}: ${(e as Error).stack}`);
      t.false((e as Error).message.includes('\n'), `input ${i}: one line: ${(e as Error).message}`);
      t.false(existsSync(join(arena, `d${i}`)), `input ${i}: refused after writing`);
      outcomes.refused++;
    }
  }
  t.log(outcomes);
  t.true(outcomes.refused > 300);
});

test('a bundle made by GNU tar with a symlink and an absolute path is refused', async (t) => {
  const dir = tmp('gnu');
  writeFileSync(join(dir, 'SKYWIRE-BUNDLE'), '1\n');
  writeTree({ 'src/manifest.json': ['{"name":"g","version":"1","entry":"main.mjs"}', false], 'src/main.mjs': ['', false] }, dir);
  symlinkSync('/etc', join(dir, 'src/etc'));
  const tarred = execFileSync('tar', ['--format=ustar', '-C', dir, '-cf', '-', 'SKYWIRE-BUNDLE', 'src']);
  await refused(t, tarred, 'src/etc');
  writeFileSync(join(dir, 'outside'), 'x');
  const abs = execFileSync('tar', ['--format=ustar', '-P', '-C', dir, '-cf', '-', 'SKYWIRE-BUNDLE', 'src/manifest.json', 'src/main.mjs', join(dir, 'outside')]);
  await refused(t, abs, 'absolute paths are not allowed');
});

test('extraction refuses a destination that is not empty, and a failed write leaves it empty', async (t) => {
  const built = await buildBundle(writeTree(FIXTURE, tmp('dest')));
  const busy = tmp('busy');
  writeFileSync(join(busy, 'keep'), 'mine');
  const e1 = await t.throwsAsync(extractBundle(built.bytes, busy));
  t.true(isSkywireError(e1, 'FS_EXISTS'), e1?.message);
  t.deepEqual(readdirSync(busy), ['keep']);

  // A destination so deep that config/ still fits in PATH_MAX (4096) but config/settings.json
  // does not: config/ is written first, then the write fails, and config/ must be gone again.
  const target = 4096 - 12;
  let deep = tmp('deep');
  while (deep.length < target) deep = join(deep, 'd'.repeat(Math.max(1, Math.min(200, target - deep.length - 1))));
  mkdirSync(deep, { recursive: true });
  const e2 = await t.throwsAsync(extractBundle(built.bytes, deep));
  t.true(isSkywireError(e2, 'DEPLOY_FAILED') && e2.message.includes('"config/settings.json"') && e2.message.includes('ENAMETOOLONG'), e2?.message);
  t.deepEqual(readdirSync(deep), []);
});

// ---- built-in apps and the CLI ----------------------------------------------------------

/** A stand-in for src/apps/builtin: files/main.ts imports ../sdk relatively (TypeScript) and
 *  a CommonJS module that calls require(), as bundled dependencies do. */
const fakeBuiltin = (root: string, main = "import { greet } from '../sdk/index.ts';\nimport eol from '../sdk/eol.cjs';\nconst n: number = eol;\nconsole.log(greet('files'), n);\n"): string => {
  writeTree({
    'files/main.ts': [main, false],
    'files/manifest.json': ['{"name":"files","version":"1.2.3","entry":"main.ts","ports":[21000]}', false],
    'files/config/files.json': ['{"quota":1}\n', false],
    'sdk/index.ts': ['export const greet = (s: string): string => `hello ${s}`;\n', false],
    'sdk/eol.cjs': ["module.exports = require('node:os').EOL.length;\n", false],
  }, root);
  return root;
};

test('a built-in app builds into one deterministic ESM file that runs, beside its manifest and default config', async (t) => {
  const a = await buildBuiltinApp('files', tmp('bi-a'), { builtinDir: fakeBuiltin(tmp('bi-src')) });
  const b = await buildBuiltinApp('files', join(tmp('bi-b'), 'deeper'), { builtinDir: fakeBuiltin(join(tmp('bi-src2'), 'x')) });
  t.deepEqual(readdirSync(join(a, 'src')).sort(), ['main.mjs', 'manifest.json']);
  t.true(readFileSync(join(a, 'src/main.mjs')).equals(readFileSync(join(b, 'src/main.mjs'))), 'same bytes from sources elsewhere');
  t.like(JSON.parse(readFileSync(join(a, 'src/manifest.json'), 'utf8')), { name: 'files', version: '1.2.3', entry: 'main.mjs', ports: [21000] });
  t.is(readFileSync(join(a, 'config/files.json'), 'utf8'), '{"quota":1}\n');
  t.is(execFileSync(process.execPath, [join(a, 'src/main.mjs')], { encoding: 'utf8' }), 'hello files 1\n');
  t.is((await buildBundle(a)).sha256, (await buildBundle(b)).sha256);

  const e1 = await t.throwsAsync(buildBuiltinApp('files', tmp('bi-bad'), { builtinDir: fakeBuiltin(tmp('bi-bad-src'), 'const x: = 1;\n') }));
  t.true(isSkywireError(e1, 'APP_INVALID') && /main\.ts:1\)$/.test(e1.message) && !e1.message.includes('\n'), e1?.message);
  const e2 = await t.throwsAsync(buildBuiltinApp('nope' as 'files', tmp('bi-none')));
  t.true(isSkywireError(e2, 'APP_NOT_FOUND'), e2?.message);
  const e3 = await t.throwsAsync(buildBuiltinApp('files', a, { builtinDir: fakeBuiltin(tmp('bi-again')) }));
  t.true(isSkywireError(e3, 'FS_EXISTS'), e3?.message);
});

test('the real built-in apps build to the same bundle twice, as plain JS that node accepts', async (t) => {
  for (const name of ['files', 'socks'] as const) {
    const one = await buildBundle(await buildBuiltinApp(name, tmp(`real-${name}`)));
    const two = await buildBundle(await buildBuiltinApp(name, tmp(`real-${name}`)));
    t.is(one.sha256, two.sha256, name);
    t.is(one.manifest.name, name);
    const dest = join(tmp(`real-${name}-x`), 'app');
    await extractBundle(one.bytes, dest);
    t.is(spawnSync(process.execPath, ['--check', join(dest, 'src/main.mjs')]).status, 0, name);
  }
});

/** `skywire app build ...` in a real process, through a program that only has that command. */
const cli = (cwd: string, ...args: string[]) => {
  const program = `import { Command } from ${JSON.stringify(import.meta.resolve('commander'))};
import { addAppBuildCommand } from ${JSON.stringify(new URL('../src/cli/cmd-app-build.ts', import.meta.url).href)};
const program = new Command('skywire');
addAppBuildCommand(program.command('app'));
try { await program.parseAsync(process.argv.slice(1), { from: 'user' }); }
catch (e) { process.stderr.write('skywire: error [' + e.code + ']: ' + e.message + '\\n'); process.exit(2); }`;
  return spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', program, 'app', 'build', ...args], { cwd, encoding: 'utf8', timeout: 30_000 });
};

test('skywire app build writes NAME-VERSION.skybundle and prints a line sha256sum -c accepts', (t) => {
  const dir = writeTree(FIXTURE, tmp('cli-app'));
  const cwd = tmp('cli-cwd');
  const r = cli(cwd, dir);
  t.is(r.status, 0, r.stderr);
  t.is(r.stdout, '32daad967f5637acea2feab054023183376e17d80d8cf5adbdeecb0c4b8532d5  pinned-1.0.0.skybundle\n');
  t.regex(r.stderr, /^pinned 1\.0\.0: 7 files, \d+ bytes\n$/);
  t.is(spawnSync('sha256sum', ['--strict', '-c', '-'], { cwd, input: r.stdout, encoding: 'utf8' }).status, 0);
  t.deepEqual(readdirSync(cwd), ['pinned-1.0.0.skybundle'], 'no partial file left');

  const builtin = cli(cwd, '--builtin', 'socks', '--out', 'socks.skybundle');
  t.is(builtin.status, 0, builtin.stderr);
  t.is(builtin.stdout, `${bundleSha256(readFileSync(join(cwd, 'socks.skybundle')))}  socks.skybundle\n`);
  t.regex(builtin.stderr, /^socks 1\.0\.0: 2 files, /);

  const missing = cli(cwd, join(cwd, 'nope'));
  t.is(missing.status, 2);
  t.regex(missing.stderr, /^skywire: error \[APP_INVALID\]: .*nope has no src\/ directory[^\n]*\n$/);
  const both = cli(cwd, dir, '--builtin', 'files');
  t.is(both.status, 2);
  t.regex(both.stderr, /\[BAD_REQUEST\]/);
  const unknown = cli(cwd, '--builtin', 'nope');
  t.not(unknown.status, 0);
  t.regex(unknown.stderr, /Allowed choices are files, socks/);
  const out = cli(cwd, dir, '--out', join(cwd, 'no/such/dir/x.skybundle'));
  t.is(out.status, 2);
  t.regex(out.stderr, /\[BAD_REQUEST\]: cannot write .*ENOENT/);
});
