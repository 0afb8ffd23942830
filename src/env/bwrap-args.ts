// The bubblewrap command line for one app. Everything not bound here does not exist in the
// sandbox: not the host's home, not the node's home, not other apps. The root is a tmpfs made
// read-only at the end (--remount-ro /), so the only writable places are /app/data (persistent)
// and a private /tmp (gone with the process, its pages charged to the app's memory limit).
// The app gets its own network namespace holding only its own loopback: the overlay is
// reachable only through the node's socket.
//
// Two ways to be a stranger to the host:
// - the node is root (runAs): bubblewrap runs privileged, without a user namespace, and execs
//   the app through setpriv as the app's own unprivileged host uid with no capabilities, an
//   empty bounding set and no_new_privs (a setuid binary cannot bring any back);
// - the node is an ordinary user: a user namespace maps that user to uid 1000 inside, with no
//   capabilities.
// Either way the seccomp filter (src/env/seccomp-filter.ts) is loaded by bubblewrap last,
// right before the exec, so its own set-up is not affected.
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
  /** The descriptor (in the child) bubblewrap reads the seccomp program from, if any. */
  seccompFd?: number;
  /** Size of the private /tmp. */
  tmpBytes: number;
  /** Set when the node is root: the host uid (= gid) to run the app as, and setpriv's path. */
  runAs?: { uid: number; setpriv: string };
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
  const ns = spec.runAs
    ? ['--unshare-ipc', '--unshare-pid', '--unshare-net', '--unshare-uts', '--unshare-cgroup-try']
    : ['--unshare-all', '--unshare-user', '--uid', APP_UID, '--gid', APP_UID, '--cap-drop', 'ALL'];
  const drop = spec.runAs
    ? [spec.runAs.setpriv, '--reuid', String(spec.runAs.uid), '--regid', String(spec.runAs.uid), '--clear-groups', '--inh-caps', '-all', '--bounding-set', '-all', '--no-new-privs', '--']
    : [];
  return [
    ...ns,
    '--hostname', 'skywire-app', '--die-with-parent', '--new-session',
    '--clearenv', ...env,
    // Made explicitly: privileged bubblewrap creates the parents of its bind targets 0700, which
    // the app's uid could not enter.
    ...['/etc', '/app', '/app/node_modules', IN_SANDBOX.sdkDir, '/run', '/run/skywire'].flatMap((d) => ['--perms', '0755', '--dir', d]),
    '--ro-bind', '/usr', '/usr', ...systemDirs(),
    '--ro-bind-try', '/etc/ld.so.cache', '/etc/ld.so.cache',
    ...(nodeDir.startsWith('/usr/') ? [] : ['--ro-bind', nodeDir, nodeDir]),
    '--proc', '/proc', '--dev', '/dev', '--perms', '1777', '--size', String(spec.tmpBytes), '--tmpfs', '/tmp',
    '--ro-bind', paths.src, IN_SANDBOX.src,
    '--ro-bind', paths.config, IN_SANDBOX.config,
    '--bind', paths.data, IN_SANDBOX.data,
    '--ro-bind', spec.sdkFile, `${IN_SANDBOX.sdkDir}/app.mjs`,
    '--ro-bind', spec.sdkPackageJson, `${IN_SANDBOX.sdkDir}/package.json`,
    '--ro-bind', paths.socket, IN_SANDBOX.socket,
    '--chdir', IN_SANDBOX.data,
    '--remount-ro', '/',
    ...(spec.seccompFd === undefined ? [] : ['--seccomp', String(spec.seccompFd)]),
    '--', ...drop, node, `${IN_SANDBOX.src}/${manifest.entry}`,
  ];
};
