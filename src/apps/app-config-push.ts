// `skywire app config NODE APP FILE...`: the master replaces an app's config/ with the files it
// signed, so the operator never edits files on the node by hand. Versioned like `config set`
// (a push must carry a higher version than the app's config holds, so a replayed or reordered
// push cannot roll it back) and atomic as a whole: the new tree is written and fsynced beside
// the old one as config.next, then swapped in by renames; recoverConfigSwap finishes or undoes an
// interrupted swap, so a kill -9 at any instant leaves one whole config, old or new.
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../config/atomic-write.ts';
import { fail } from '../errors.ts';
import type { AppPaths } from './app-paths.ts';

/** Written inside config/ with the files; the app may read it too. */
export const CONFIG_VERSION_FILE = '.config-version';
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Base64 in a signed command, which is at most 256 KiB (src/command/command-codec.ts). */
export const MAX_CONFIG_BYTES = 160 * 1024;
const MAX_FILES = 64;

const next = (p: AppPaths): string => `${p.config}.next`;
const prev = (p: AppPaths): string => `${p.config}.prev`;

/** Finishes (config.next complete, config gone) or undoes (config still there) a swap. */
export const recoverConfigSwap = (p: AppPaths): void => {
  if (!existsSync(p.config) && existsSync(prev(p))) {
    if (existsSync(join(next(p), CONFIG_VERSION_FILE))) renameSync(next(p), p.config);
    else renameSync(prev(p), p.config);
  }
  rmSync(next(p), { recursive: true, force: true });
  rmSync(prev(p), { recursive: true, force: true });
};

export const configVersionOf = (p: AppPaths): number => {
  try {
    const v = Number(readFileSync(join(p.config, CONFIG_VERSION_FILE), 'utf8').trim());
    return Number.isSafeInteger(v) && v >= 0 ? v : 0;
  } catch {
    return 0;
  }
};

/** Checks the signed arguments: file names, sizes, version above the current one. */
export const checkConfigPush = (p: AppPaths, args: Record<string, unknown>): { version: number; files: Map<string, Buffer> } => {
  const version = args.version;
  if (!Number.isSafeInteger(version) || (version as number) < 1) fail('BAD_REQUEST', 'version must be a positive integer');
  const current = configVersionOf(p);
  if ((version as number) <= current) fail('CONFIG_VERSION', `this app's config is at version ${current}; push version ${current + 1} or higher`);
  const raw = args.files;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('BAD_REQUEST', 'files must be an object of file name to base64 content');
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > MAX_FILES) fail('BAD_REQUEST', `at most ${MAX_FILES} config files`);
  const files = new Map<string, Buffer>();
  let total = 0;
  for (const [name, b64] of entries) {
    if (!FILE_NAME.test(name) || name === CONFIG_VERSION_FILE) fail('BAD_REQUEST', `"${name}" is not a config file name (letters, digits, . _ -; no directories)`);
    if (typeof b64 !== 'string') fail('BAD_REQUEST', `${name}: content must be base64`);
    const bytes = Buffer.from(b64 as string, 'base64');
    total += bytes.length;
    if (total > MAX_CONFIG_BYTES) fail('BAD_REQUEST', `config files add up to more than ${MAX_CONFIG_BYTES} bytes; keep big data in data/`);
    files.set(name, bytes);
  }
  return { version: version as number, files };
};

export const applyConfigPush = (p: AppPaths, push: { version: number; files: Map<string, Buffer> }): void => {
  recoverConfigSwap(p);
  const dir = next(p);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (const [name, bytes] of push.files) writeFileAtomic(join(dir, name), bytes, 0o644);
  // The version file last: its presence marks config.next as whole (recoverConfigSwap).
  writeFileAtomic(join(dir, CONFIG_VERSION_FILE), `${push.version}\n`, 0o644);
  if (existsSync(p.config)) renameSync(p.config, prev(p));
  renameSync(dir, p.config);
  rmSync(prev(p), { recursive: true, force: true });
};

/** The app's config/ as the node holds it ({file name: base64}, the same bounds as a push), for
 *  the dashboard's editor; files a push could not write (subdirectories, odd names) are listed
 *  in `skipped` rather than sent. */
export const readConfigFiles = (p: AppPaths): { version: number; files: Record<string, string>; skipped: string[] } => {
  recoverConfigSwap(p);
  const files: Record<string, string> = {};
  const skipped: string[] = [];
  let total = 0;
  const names = existsSync(p.config) ? readdirSync(p.config).sort() : [];
  for (const name of names) {
    if (name === CONFIG_VERSION_FILE) continue;
    const file = join(p.config, name);
    if (!FILE_NAME.test(name) || !statSync(file).isFile() || Object.keys(files).length >= MAX_FILES) { skipped.push(name); continue; }
    const bytes = readFileSync(file);
    if (total + bytes.length > MAX_CONFIG_BYTES) { skipped.push(name); continue; }
    total += bytes.length;
    files[name] = bytes.toString('base64');
  }
  return { version: configVersionOf(p), files, skipped };
};
