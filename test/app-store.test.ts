// The disk side of an app update (src/apps/app-store.ts) interrupted at each step, as a kill -9
// would leave it: recover() at the next start must leave exactly one whole version, the old one
// unless the update was committed, and never lose data/ or config/.
import test from 'ava';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appPaths, type AppPaths } from '../src/apps/app-paths.ts';
import { commitUpdate, placeNext, recover, swapInNext } from '../src/apps/app-store.ts';
import { tmpHome } from './helpers/cli.ts';

const version = (p: AppPaths): string => readFileSync(join(p.src, 'v.txt'), 'utf8');

/** An installed v1 with data and config, and v2 unpacked in a scratch dir. */
const world = (): { p: AppPaths; unpacked: string } => {
  const home = tmpHome('store');
  const p = appPaths(home, 'demo');
  mkdirSync(p.src, { recursive: true });
  writeFileSync(join(p.src, 'v.txt'), 'v1');
  mkdirSync(p.config, { recursive: true });
  writeFileSync(join(p.config, 'c.json'), '{"mine":true}');
  mkdirSync(p.data, { recursive: true });
  writeFileSync(join(p.data, 'wallet'), 'precious');
  const unpacked = join(home, 'unpacked');
  mkdirSync(join(unpacked, 'src'), { recursive: true });
  mkdirSync(join(unpacked, 'config'), { recursive: true });
  writeFileSync(join(unpacked, 'src', 'v.txt'), 'v2');
  writeFileSync(join(unpacked, 'config', 'c.json'), '{"shipped":true}');
  return { p, unpacked };
};

const intact = (t: { is: (a: unknown, b: unknown, m?: string) => void }, p: AppPaths): void => {
  t.is(readFileSync(join(p.data, 'wallet'), 'utf8'), 'precious', 'data survives');
  t.is(readFileSync(join(p.config, 'c.json'), 'utf8'), '{"mine":true}', 'the operator\'s config survives');
};

test('crash after unpacking, before the swap: the update is dropped, v1 stays', (t) => {
  const { p, unpacked } = world();
  placeNext(p, unpacked);
  t.is(recover(p), 'clean');
  t.is(version(p), 'v1');
  t.false(existsSync(p.next));
  intact(t, p);
});

test('crash between the two renames of the swap (src already moved aside): rolled back to v1', (t) => {
  const { p, unpacked } = world();
  placeNext(p, unpacked);
  // swapInNext's first half by hand: journal written, src -> src.prev, then the crash.
  mkdirSync(p.run, { recursive: true });
  writeFileSync(p.journal, JSON.stringify({ phase: 'trial', fresh: false }));
  renameSync(p.src, p.prev);
  t.is(recover(p), 'rolled-back');
  t.is(version(p), 'v1');
  t.false(existsSync(p.prev));
  t.false(existsSync(p.next));
  intact(t, p);
});

test('crash while the new version is on trial: rolled back to v1', (t) => {
  const { p, unpacked } = world();
  placeNext(p, unpacked);
  swapInNext(p);
  t.is(version(p), 'v2');
  t.is(recover(p), 'rolled-back');
  t.is(version(p), 'v1');
  t.false(existsSync(p.journal));
  intact(t, p);
});

test('committed updates stay committed after a restart', (t) => {
  const { p, unpacked } = world();
  placeNext(p, unpacked);
  swapInNext(p);
  commitUpdate(p);
  t.is(recover(p), 'clean');
  t.is(version(p), 'v2');
  t.false(existsSync(p.prev));
  intact(t, p);
});

test('a first install that crashed on trial is removed, leaving no half-installed app', (t) => {
  const home = tmpHome('store-fresh');
  const p = appPaths(home, 'fresh');
  const unpacked = join(home, 'u');
  mkdirSync(join(unpacked, 'src'), { recursive: true });
  writeFileSync(join(unpacked, 'src', 'v.txt'), 'v1');
  placeNext(p, unpacked);
  swapInNext(p);
  t.is(recover(p), 'rolled-back');
  t.false(existsSync(p.src));
});
