// Updating the node's own software, the way apps are updated: the new version is unpacked
// beside the running one (HOME/software/VERSION), a trial is recorded, and the node restarts
// into it. bin/skywire.js (the launcher) runs the trial once; the trial commits itself when it
// has registered with the master (its health check) within HEALTH_MS. A trial that crashes or
// never registers exits, and at the next start the launcher finds the trial already attempted
// and goes back to the previous version. HOME/software/state.json is written atomically, so a
// kill -9 at any step leaves either the old or the new decision.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../config/atomic-write.ts';
import type { Manifest } from './manifest.ts';
import { NATIVE_BUILD, NATIVE_SOURCE, packageRoot } from './package-files.ts';

const sameFile = (a: string, b: string): boolean => {
  try {
    return readFileSync(a).equals(readFileSync(b));
  } catch {
    return false;
  }
};

export interface SoftwareState {
  /** The committed version run from HOME/software, or null for the installed package. */
  current: string | null;
  trial: string | null;
  /** How many times the launcher has started the trial (it rolls back at the second). */
  attempts: number;
  /** The last trial that was rolled back, for status. */
  failed?: string | null;
}

export const HEALTH_MS = 60_000;
export const softwareDir = (home: string): string => join(home, 'software');
const stateFile = (home: string): string => join(softwareDir(home), 'state.json');

export const readSoftwareState = (home: string): SoftwareState => {
  try {
    return JSON.parse(readFileSync(stateFile(home), 'utf8')) as SoftwareState;
  } catch {
    return { current: null, trial: null, attempts: 0 };
  }
};

const writeState = (home: string, s: SoftwareState): void => writeFileAtomic(stateFile(home), JSON.stringify(s));

/** Places an unpacked software bundle and records it as the trial for the next start. */
export const installSoftware = (home: string, unpacked: string, m: Manifest): void => {
  const dir = join(softwareDir(home), m.version);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(softwareDir(home), { recursive: true, mode: 0o700 });
  renameSync(join(unpacked, 'src'), dir);
  // The native modules of this machine; the bundle ships none.
  symlinkSync(join(packageRoot(), 'node_modules'), join(dir, 'node_modules'), 'dir');
  // This machine's batched-UDP addon serves the new version only if it was built from the same C
  // source (else its functions may not be the ones the new version calls); without it the new
  // version sends through node:dgram, and `skywire status --json` says so (udp.batchOff).
  if (sameFile(join(packageRoot(), NATIVE_SOURCE), join(dir, NATIVE_SOURCE)) && existsSync(join(packageRoot(), NATIVE_BUILD))) {
    symlinkSync(join(packageRoot(), NATIVE_BUILD), join(dir, NATIVE_BUILD), 'dir');
  }
  const s = readSoftwareState(home);
  writeState(home, { current: s.current, trial: m.version, attempts: 0, failed: s.failed ?? null });
};

/** Called by the trial once it is healthy: it becomes current; older versions are removed. */
export const commitTrial = (home: string, version: string): boolean => {
  const s = readSoftwareState(home);
  if (s.trial !== version) return false;
  writeState(home, { current: version, trial: null, attempts: 0, failed: null });
  if (s.current && s.current !== version) rmSync(join(softwareDir(home), s.current), { recursive: true, force: true });
  return true;
};
