// The bubblewrap command line for one app. Everything not bound here does not exist in the
// sandbox: not the host's home, not the node's home, not other apps. The root is a tmpfs made
// read-only at the end (--remount-ro /), so the only writable places are /app/data (persistent)
// and a private /tmp (gone with the process). --unshare-all gives the app its own network
// namespace holding only its own loopback: the overlay is reachable only through the node's
// socket. A user namespace with a non-root uid and no capabilities keeps it from undoing any of
// this (root running bwrap would otherwise keep every capability inside).
import { existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AppPaths } from '../apps/app-paths.ts';
import type { Manifest } from '../apps/manifest.ts';

/** Where things are inside the sandbox; the SDK reads these from the environment. */
export const IN_SANDBOX = Object.freeze({
  src: '/app/src', config: '/app/config', data: '/app/data', home: '/home/app',
  sdkDir: '/app/node_modules/skywire', socket: '/run/skywire/node.sock',
});

/** node_modules/skywire/package.json: `import 'skywire/app'` from /app/src finds it by Node's
 *  usual parent-directory lookup, so apps need no loader or import map. */
export const SDK_PACKAGE_JSON = JSON.stringify({ name: 'skywire', private: true, type: 'module', exports: { './app': './app.mjs' } }) + '\n';

const APP_UID = '1000';

export interface BwrapSpec {
  paths: AppPaths;
  manifest: Manifest;
  sdkFile: string;
  /** The SDK package.json written beside the app's node-side state (paths.run). */
  sdkPackageJson: string;
  env: Record<string, string>;
}

/** /lib, /bin... are symlinks into /usr on merged-/usr systems (Debian 12) and directories on
 *  older ones; the sandbox mirrors whichever this host has. */
const systemDirs = (): string[] => ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'].flatMap((d) => {
  if (!existsSync(d)) return [];
  return lstatSync(d).isSymbolicLink() ? ['--symlink', readlinkSync(d), d] : ['--ro-bind', d, d];
});

export const bwrapArgs = (spec: BwrapSpec, execPath: string): string[] => {
  const { paths, manifest } = spec;
  const node = realpathSync(execPath);
  const nodeDir = dirname(node);
  const env = Object.entries(spec.env).flatMap(([k, v]) => ['--setenv', k, v]);
  return [
    '--unshare-all', '--unshare-user', '--uid', APP_UID, '--gid', APP_UID, '--cap-drop', 'ALL',
    '--hostname', 'skywire-app', '--die-with-parent', '--new-session',
    '--clearenv', ...env,
    '--ro-bind', '/usr', '/usr', ...systemDirs(),
    '--ro-bind-try', '/etc/ld.so.cache', '/etc/ld.so.cache',
    ...(nodeDir.startsWith('/usr/') ? [] : ['--ro-bind', nodeDir, nodeDir]),
    '--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp',
    '--ro-bind', paths.src, IN_SANDBOX.src,
    '--ro-bind', paths.config, IN_SANDBOX.config,
    '--bind', paths.data, IN_SANDBOX.data,
    '--ro-bind', spec.sdkFile, `${IN_SANDBOX.sdkDir}/app.mjs`,
    '--ro-bind', spec.sdkPackageJson, `${IN_SANDBOX.sdkDir}/package.json`,
    '--ro-bind', paths.socket, IN_SANDBOX.socket,
    '--chdir', IN_SANDBOX.data,
    '--remount-ro', '/',
    '--', node, `${IN_SANDBOX.src}/${manifest.entry}`,
  ];
};
