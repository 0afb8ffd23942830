// The disk side of installing and updating an app, made of renames so that a kill -9 at any
// instant leaves a state recover() can finish: the new version is unpacked completely beside
// the old (src.next), a journal is written, then src -> src.prev and src.next -> src. The update
// is committed (src.prev deleted, journal removed) only after the health check passed; a node
// that boots with a journal still present never committed, so it rolls back.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../config/atomic-write.ts';
import type { AppPaths } from './app-paths.ts';

export interface Journal { phase: 'trial'; fresh: boolean }
export interface Desired { want: 'running' | 'stopped' }

const rm = (p: string): void => rmSync(p, { recursive: true, force: true });

export const readJournal = (p: AppPaths): Journal | undefined => {
  try {
    return JSON.parse(readFileSync(p.journal, 'utf8')) as Journal;
  } catch {
    return undefined;
  }
};

/** Moves an unpacked tree (src/ and maybe config/) into place as the next version. Config
 *  shipped with the app only seeds a first install: the operator's config survives updates. */
export const placeNext = (p: AppPaths, unpacked: string): void => {
  rm(p.next);
  mkdirSync(p.root, { recursive: true, mode: 0o700 });
  renameSync(join(unpacked, 'src'), p.next);
  if (!existsSync(p.config)) {
    if (existsSync(join(unpacked, 'config'))) renameSync(join(unpacked, 'config'), p.config);
    else mkdirSync(p.config, { recursive: true });
  }
  mkdirSync(p.data, { recursive: true, mode: 0o700 });
};

export const swapInNext = (p: AppPaths): void => {
  const fresh = !existsSync(p.src);
  writeFileAtomic(p.journal, JSON.stringify({ phase: 'trial', fresh } satisfies Journal));
  if (!fresh) {
    rm(p.prev);
    renameSync(p.src, p.prev);
  }
  renameSync(p.next, p.src);
};

/** Back to the version before the update (or to nothing, for a first install). */
export const restorePrevious = (p: AppPaths): void => {
  if (existsSync(p.prev)) {
    rm(`${p.src}.failed`);
    if (existsSync(p.src)) renameSync(p.src, `${p.src}.failed`);
    renameSync(p.prev, p.src);
    rm(`${p.src}.failed`);
  } else if (readJournal(p)?.fresh) {
    rm(p.src);
  }
  rm(p.journal);
};

export const commitUpdate = (p: AppPaths): void => {
  rm(p.prev);
  rm(p.journal);
};

/** At boot: finish whatever an interrupted install or update left. */
export const recover = (p: AppPaths): 'clean' | 'rolled-back' => {
  rm(`${p.next}.tmp`);
  const j = readJournal(p);
  if (!j) {
    // Unpacked but never swapped in: the update did not start, drop it.
    rm(p.next);
    return 'clean';
  }
  // Also right when it crashed between the two renames of swapInNext (src already in prev).
  restorePrevious(p);
  rm(p.next);
  return 'rolled-back';
};

export const readDesired = (p: AppPaths): Desired => {
  try {
    const d = JSON.parse(readFileSync(join(p.run, 'desired.json'), 'utf8')) as Desired;
    return d.want === 'stopped' ? d : { want: 'running' };
  } catch {
    return { want: 'running' };
  }
};

export const writeDesired = (p: AppPaths, d: Desired): void => writeFileAtomic(join(p.run, 'desired.json'), JSON.stringify(d));
