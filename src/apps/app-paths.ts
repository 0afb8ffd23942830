// Where an application lives on a node. Every app is one directory, HOME/apps/NAME, holding
// src/ (code, every dependency and manifest.json), config/ and data/: backing up or moving the
// directory moves the whole app. The node's own bookkeeping for an app (its socket, a deploy in
// progress) stays outside that directory, under HOME/run/apps, so an export never carries it.
import { join } from 'node:path';
import { fail } from '../errors.ts';

/** Lowercase letters, digits and dashes: safe as a directory name, a socket name and in a URL. */
export const APP_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const checkAppName = (name: string): string =>
  APP_NAME.test(name) ? name : fail('APP_INVALID', `app name "${name}" must be 1-63 lowercase letters, digits or dashes, starting with a letter or digit`);

export const appsDir = (home: string): string => join(home, 'apps');

export interface AppPaths {
  root: string;
  src: string;
  config: string;
  data: string;
  /** A new version unpacked beside the running one until it proves healthy. */
  next: string;
  /** The previous version, kept until the new one is committed, for rollback. */
  prev: string;
  /** Node-side state of this app (not part of the app): socket, deploy journal. */
  run: string;
  socket: string;
  journal: string;
}

export const appPaths = (home: string, name: string): AppPaths => {
  const root = join(appsDir(home), checkAppName(name));
  const run = join(home, 'run', 'apps', name);
  return {
    root,
    src: join(root, 'src'),
    config: join(root, 'config'),
    data: join(root, 'data'),
    next: join(root, 'src.next'),
    prev: join(root, 'src.prev'),
    run,
    // Unix socket paths are limited to 107 bytes: keep the name short and the directory near.
    socket: join(run, 'node.sock'),
    journal: join(run, 'journal.json'),
  };
};
