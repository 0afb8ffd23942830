// Starts an app's entry in a sandbox: bubblewrap (src/env/bwrap-args.ts), or, only when the
// operator opts in with `fallback`, Node's own permission model.
//
// What the fallback does NOT protect (Node 20's permission model guards the file system, child
// processes, worker threads and native addons, nothing else):
// - the network: the app can open TCP/UDP and unix sockets directly, reaching the LAN, the
//   internet and every local service, bypassing the overlay and the exit policy, and it can
//   connect to the node's control socket (HOME/control.sock) and to other apps' SDK sockets
//   and act as the node or as those apps (their ports, their tcp-exit);
// - other processes: it runs as the node's user in the host's pid, ipc and uts namespaces and
//   can signal (kill) the node and every other process of that user;
// - symlinks already inside its directories are followed wherever they lead, and open file
//   descriptors it inherits bypass the checks (we pass none);
// - resources: no memory, CPU or disk limits (neither in the bubblewrap mode);
// - it does not die with the node (the supervisor must kill it), and the feature is
//   experimental in Node 20.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fail } from '../errors.ts';
import type { AppPaths } from '../apps/app-paths.ts';
import type { Manifest } from '../apps/manifest.ts';
import { bwrapArgs, IN_SANDBOX, SDK_PACKAGE_JSON } from './bwrap-args.ts';

export interface SandboxSpec {
  paths: AppPaths;
  manifest: Manifest;
  /** The bundled SDK (src/apps/sdk-build.ts), seen by the app as `skywire/app`. */
  sdkFile: string;
  /** Run under Node's permission model when bubblewrap is missing (weaker: see above). */
  fallback?: boolean;
  env?: Record<string, string>;
}

const findBwrap = (): string | undefined => (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'bwrap')).find((p) => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
});

/** Why bubblewrap cannot sandbox here, or undefined when it can (it may exist and still fail,
 *  e.g. where unprivileged user namespaces are disabled). */
const bwrapProblem = (bwrap: string | undefined): string | undefined => {
  if (!bwrap) return 'bwrap is not on PATH';
  const r = spawnSync(bwrap, ['--unshare-all', '--unshare-user', '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', process.execPath, '--version'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? undefined : `${bwrap} does not work here: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}`;
};

export const sandboxAvailable = (): boolean => bwrapProblem(findBwrap()) === undefined;

const writeAtomic = (file: string, write: (tmp: string) => void): void => {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  write(tmp);
  renameSync(tmp, file);
};

/** Node's permission model cannot remap paths, so the SDK package sits where Node's lookup from
 *  the real src/ finds it: HOME/node_modules/skywire (HOME/apps/NAME/src -> ... -> HOME). */
const spawnFallback = (spec: SandboxSpec, env: Record<string, string>): ChildProcess => {
  const { paths, manifest } = spec;
  const sdkDir = join(dirname(dirname(paths.root)), 'node_modules', 'skywire');
  writeAtomic(join(sdkDir, 'package.json'), (tmp) => writeFileSync(tmp, SDK_PACKAGE_JSON));
  writeAtomic(join(sdkDir, 'app.mjs'), (tmp) => copyFileSync(spec.sdkFile, tmp));
  const args = [
    '--experimental-permission', '--disable-warning=ExperimentalWarning',
    ...[paths.src, paths.config, paths.data, sdkDir].map((p) => `--allow-fs-read=${p}`),
    `--allow-fs-write=${paths.data}`,
    join(paths.src, manifest.entry),
  ];
  return spawn(process.execPath, args, { cwd: paths.data, stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, SKYWIRE_SOCKET: paths.socket, SKYWIRE_APP_CONFIG: paths.config, SKYWIRE_APP_DATA: paths.data, HOME: '/nonexistent' } });
};

export const spawnSandboxed = (spec: SandboxSpec): ChildProcess => {
  const { paths } = spec;
  if (!existsSync(spec.sdkFile)) fail('SANDBOX_FAILED', `the app SDK bundle ${spec.sdkFile} is missing; build it with buildSdk() (src/apps/sdk-build.ts) before starting apps`);
  if (!existsSync(paths.socket)) fail('SANDBOX_FAILED', `the app socket ${paths.socket} does not exist; open the app host (openAppHost) before starting the app`);
  for (const d of [paths.config, paths.data]) mkdirSync(d, { recursive: true });
  const env = { PATH: '/usr/bin:/bin', ...spec.env };
  const bwrap = findBwrap();
  const problem = bwrapProblem(bwrap);
  if (problem !== undefined || bwrap === undefined) {
    if (spec.fallback) return spawnFallback(spec, env);
    return fail('SANDBOX_UNAVAILABLE', `cannot sandbox app "${spec.manifest.name}": ${problem}. Install bubblewrap (Debian/Ubuntu: apt install bubblewrap), or opt in to the weaker Node permission-model fallback with "apps": {"allowWeakSandbox": true} in the node's config.json (it does not isolate the network)`);
  }
  const sdkPackageJson = join(paths.run, 'sdk-package.json');
  writeAtomic(sdkPackageJson, (tmp) => writeFileSync(tmp, SDK_PACKAGE_JSON));
  const inside = { ...env, SKYWIRE_SOCKET: IN_SANDBOX.socket, SKYWIRE_APP_CONFIG: IN_SANDBOX.config, SKYWIRE_APP_DATA: IN_SANDBOX.data, HOME: IN_SANDBOX.home };
  return spawn(bwrap, bwrapArgs({ paths, manifest: spec.manifest, sdkFile: spec.sdkFile, sdkPackageJson, env: inside }, process.execPath), { stdio: ['ignore', 'pipe', 'pipe'], env: {} });
};
