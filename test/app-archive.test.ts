// App archives (backup and move): the whole app, data/ included, byte for byte with empty
// directories; deterministic like a bundle; readable by GNU tar; refused where unsafe, and never
// mistaken for a bundle or the other way round.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Header } from 'tar';
import { packArchive, unpackArchive } from '../src/apps/archive-format.ts';
import { buildBundle, bundleSha256 } from '../src/apps/bundle-build.ts';
import { extractBundle } from '../src/apps/bundle-extract.ts';
import { isSkywireError } from '../src/errors.ts';
import { listing } from './helpers/tree-listing.ts';
import { tempDir } from './helpers/temp-dirs.ts';

const made: string[] = [];
const tmp = (label: string): string => {
  const dir = tempDir(`sky-archive-${label}-`);
  made.push(dir);
  return dir;
};
test.after.always(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

const FIXED_MTIME = new Date('2026-01-01T00:00:00Z');

/** Every byte value, and a MiB of noise: binary data must survive untouched. */
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const NOISE = randomBytes(1 << 20);

/** An installed app: HOME/apps/NAME with src, config, data, and the node's src.next beside. */
const installedApp = (root: string): string => {
  const files: Record<string, Buffer | string> = {
    'src/manifest.json': '{"name":"notes","version":"2.0.0","entry":"main.mjs"}',
    'src/main.mjs': 'console.log("notes")\n',
    'src/bin/tool': '#!/bin/sh\n',
    'config/notes.json': '{"title":"mine"}\n',
    'data/all-bytes.bin': ALL_BYTES,
    'data/deep/noise.bin': NOISE,
    'data/empty-file': '',
    'src.next/main.mjs': 'an update in progress, not part of the app\n',
  };
  for (const [p, v] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), v);
    // Archives keep modification times: the same tree made at another moment packs the same.
    utimesSync(join(root, p), FIXED_MTIME, FIXED_MTIME);
  }
  chmodSync(join(root, 'src/bin/tool'), 0o755);
  for (const d of ['data/empty', 'data/deep/empty-too', 'config/empty']) mkdirSync(join(root, d), { recursive: true });
  return root;
};


const appOnly = (lines: string[]): string[] => lines.filter((l) => /^(src|config|data)\//.test(l));

test('an archive round trip gives back src/, config/ and data/ byte for byte, empty dirs, exec bits and file times included', async (t) => {
  const app = installedApp(tmp('app'));
  const old = new Date('2020-05-05T12:34:56Z');
  utimesSync(join(app, 'data/deep/noise.bin'), old, old);
  const bytes = await packArchive(app);
  const dest = join(tmp('restore'), 'apps', 'notes');
  const r = await unpackArchive(bytes, dest);
  t.is(r.manifest.name, 'notes');
  t.is(r.sha256, bundleSha256(bytes));
  t.deepEqual(listing(dest), appOnly(listing(app)));
  t.true(listing(dest).includes('data/deep/empty-too/'));
  t.true(readFileSync(join(dest, 'data/deep/noise.bin')).equals(NOISE));
  t.is(statSync(join(dest, 'data/deep/noise.bin')).mtimeMs, old.getTime(), 'a file keeps its modification time');
  t.is(statSync(join(dest, 'src/main.mjs')).mtimeMs, FIXED_MTIME.getTime());
  t.deepEqual(readdirSync(dest).sort(), ['config', 'data', 'src'], 'src.next is the node\'s, not the app\'s');

  // The real GNU tar reads it to the same tree: the format is plain ustar.
  const gnu = tmp('gnu');
  execFileSync('tar', ['-xf', '-', '-C', gnu], { input: bytes });
  t.deepEqual(appOnly(listing(gnu)), appOnly(listing(app)));
});

test('archives are deterministic like bundles, and each format refuses the other', async (t) => {
  const a = installedApp(tmp('det-a'));
  const b = installedApp(join(tmp('det-b'), 'elsewhere'));
  chmodSync(join(b, 'data/all-bytes.bin'), 0o600);
  const packed = await packArchive(a);
  t.true(packed.equals(await packArchive(b)));
  t.true(packed.equals(await packArchive(a)));
  writeFileSync(join(b, 'data/empty-file'), 'x');
  t.false(packed.equals(await packArchive(b)), 'data/ counts in an archive');

  const arena = tmp('cross');
  const e1 = await t.throwsAsync(extractBundle(packed, join(arena, 'as-bundle')));
  t.true(isSkywireError(e1, 'BUNDLE_INVALID') && e1.message.includes('not an app bundle'), e1?.message);
  const bundle = (await buildBundle(a)).bytes;
  const e2 = await t.throwsAsync(unpackArchive(bundle, join(arena, 'as-archive')));
  t.true(isSkywireError(e2, 'BUNDLE_INVALID') && e2.message.includes('not an app archive'), e2?.message);
  t.deepEqual(readdirSync(arena), []);
});

test('an archive with an escaping or foreign entry is refused and writes nothing', async (t) => {
  const entry = (path: string, body = ''): Buffer[] => {
    const h = new Header({ path, type: 'File', mode: 0o644, size: body.length, mtime: new Date(0) });
    h.encode();
    return [h.block!, Buffer.from(body), Buffer.alloc((512 - (body.length % 512)) % 512)];
  };
  const good = [...entry('SKYWIRE-ARCHIVE', '1\n'), ...entry('src/manifest.json', '{"name":"n","version":"1","entry":"m.mjs"}'), ...entry('src/m.mjs')];
  for (const bad of ['data/../../evil', 'run/apps/n/journal.json', 'src.next/m.mjs']) {
    const arena = tmp('bad');
    const e = await t.throwsAsync(unpackArchive(Buffer.concat([...good, ...entry(bad, 'x'), Buffer.alloc(1024)]), join(arena, 'dest')));
    t.true(isSkywireError(e, 'BUNDLE_INVALID') && e.message.includes(bad), e?.message);
    t.deepEqual(readdirSync(arena), [], bad);
  }
  t.is((await unpackArchive(Buffer.concat([...good, ...entry('data/ok', 'x'), Buffer.alloc(1024)]), join(tmp('ok'), 'dest'))).manifest.name, 'n');
});
