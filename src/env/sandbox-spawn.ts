// Starts an app's entry in a sandbox: bubblewrap (src/env/bwrap-args.ts), or, only when the
// operator opts in with `fallback`, Node's own permission model (src/env/sandbox-fallback.ts,
// which says what that does not protect).
//
// The bubblewrap mode runs a chain of small programs, each doing one thing and exec'ing the next
// so that nothing is left between the node and the app:
//   sh (joins the app's cgroups, src/env/cgroup-limits.ts) -> prlimit (RLIMIT_FSIZE, and
//   RLIMIT_NPROC for a per-app uid) -> bwrap (namespaces, mounts, seccomp) -> setpriv (the
//   app's own uid, when the node is root) -> node app.mjs.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { accessSync, chownSync, closeSync, constants, existsSync, mkdirSync, openSync, realpathSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fail } from '../errors.ts';
import type { AppPaths } from '../apps/app-paths.ts';
import type { Manifest } from '../apps/manifest.ts';
import { bwrapArgs, IN_SANDBOX, SDK_PACKAGE_JSON } from './bwrap-args.ts';
import { joinWrapper, probeCgroups, type AppCgroup, type CgroupEvents } from './cgroup-limits.ts';
import { SECCOMP_ARCHES, seccompBytes } from './seccomp-filter.ts';
import { appUid, prepareOwnership } from './sandbox-user.ts';
import { spawnFallback, writeAtomic } from './sandbox-fallback.ts';

export interface SandboxSpec {
  paths: AppPaths;
  manifest: Manifest;
  /** The bundled SDK (src/apps/sdk-build.ts), seen by the app as `skywire/app`. */
  sdkFile: string;
  /** Allow weaker sandboxing: Node's permission model where bubblewrap is missing, no pids,
   *  memory or CPU limits where no cgroup is writable (each is listed in SandboxInfo.weak). */
  fallback?: boolean;
  env?: Record<string, string>;
}

/** How the app is held: its host uid, what limits it, and what is missing (weak sandboxing). */
export interface SandboxInfo {
  uid: number;
  limits: 'cgroup v2' | 'cgroup v1' | 'none';
  /** One line per protection that is not in force; empty when the sandbox is whole. */
  weak: string[];
  events(): CgroupEvents | undefined;
  /** After the app's exit: the final counters, read before its cgroup is removed. */
  finished: Promise<CgroupEvents | undefined>;
}

export type SandboxedProcess = ChildProcess & { sandbox: SandboxInfo };

const findTool = (tool: string): string | undefined => (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, tool)).find((p) => {
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
  const ns = isRoot() ? ['--unshare-ipc', '--unshare-pid', '--unshare-net', '--unshare-uts'] : ['--unshare-all', '--unshare-user'];
  const r = spawnSync(bwrap, [...ns, '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', '--perms', '1777', '--size', '65536', '--tmpfs', '/tmp', process.execPath, '--version'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? undefined : `${bwrap} does not work here: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}`;
};

const isRoot = (): boolean => process.getuid?.() === 0;

export const sandboxAvailable = (): boolean => bwrapProblem(findTool('bwrap')) === undefined;

/** Groups of different nodes on one host must not collide (the name carries the home's hash),
 *  nor two runs of one app (the last one's group may still be being removed). */
const cgroupName = (home: string, app: string): string => `skywire-${createHash('sha256').update(realpathSync(home)).digest('hex').slice(0, 10)}-${app}-${randomBytes(4).toString('hex')}`;

const absolute = (p: AppPaths): AppPaths => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, resolve(v)])) as unknown as AppPaths;

const unavailable = (name: string, why: string): never => fail('SANDBOX_UNAVAILABLE', `cannot sandbox app "${name}": ${why}. Install bubblewrap (Debian/Ubuntu: apt install bubblewrap) and run the node as root (or, for the limits, in a delegated cgroup: systemd Delegate=yes), or opt in to weaker sandboxing with "apps": {"allowWeakSandbox": true} in the node's config.json`);

export const spawnSandboxed = (spec: SandboxSpec): SandboxedProcess => {
  const paths = absolute(spec.paths);
  const { manifest } = spec;
  if (!existsSync(spec.sdkFile)) fail('SANDBOX_FAILED', `the app SDK bundle ${spec.sdkFile} is missing; build it with buildSdk() (src/apps/sdk-build.ts) before starting apps`);
  if (!existsSync(paths.socket)) fail('SANDBOX_FAILED', `the app socket ${paths.socket} does not exist; open the app host (openAppHost) before starting the app`);
  for (const d of [paths.config, paths.data]) mkdirSync(d, { recursive: true });
  const env = { PATH: '/usr/bin:/bin', ...spec.env };
  const bwrap = findTool('bwrap');
  const problem = bwrapProblem(bwrap);
  if (problem !== undefined || bwrap === undefined) {
    if (spec.fallback) return spawnFallback({ ...spec, paths }, env);
    return unavailable(manifest.name, problem ?? 'bwrap is not on PATH');
  }
  const [sh, prlimit, setpriv] = ['sh', 'prlimit', 'setpriv'].map(findTool);
  if (!sh || !prlimit || (isRoot() && !setpriv)) return unavailable(manifest.name, 'sh, prlimit or setpriv (util-linux) is not on PATH');
  const weak: string[] = [];
  const cg = probeCgroups();
  if (cg.kind === 'none') {
    if (!spec.fallback) return unavailable(manifest.name, `no cgroup hierarchy is writable for pids/memory/CPU limits (${cg.why})`);
    weak.push(`no pids/memory/CPU limits: ${cg.why}`);
  }
  const root = isRoot();
  const uid = root ? appUid(dirname(dirname(paths.root)), manifest.name) : process.getuid?.() ?? -1;
  if (root) {
    prepareOwnership(paths, uid);
    chownSync(paths.socket, uid, uid);
  } else {
    weak.push(`the node is not root: the app runs as the node's own uid ${uid}, and RLIMIT_NPROC is not set`);
  }
  const sdkPackageJson = join(paths.run, 'sdk-package.json');
  writeAtomic(sdkPackageJson, (tmp) => writeFileSync(tmp, SDK_PACKAGE_JSON));
  const seccompFile = join(paths.run, 'seccomp.bpf');
  const filtered = SECCOMP_ARCHES.includes(process.arch);
  if (filtered) writeAtomic(seccompFile, (tmp) => writeFileSync(tmp, seccompBytes()));
  else weak.push(`no seccomp filter: no system call table for ${process.arch} (src/env/seccomp-filter.ts)`);
  const inside = { ...env, SKYWIRE_SOCKET: IN_SANDBOX.socket, SKYWIRE_APP_CONFIG: IN_SANDBOX.config, SKYWIRE_APP_DATA: IN_SANDBOX.data, HOME: IN_SANDBOX.home };
  const { limits } = manifest;
  const diskBytes = limits.diskMiB * 1024 * 1024;
  const args = bwrapArgs({
    paths, manifest, sdkFile: spec.sdkFile, sdkPackageJson, env: inside, ...(filtered ? { seccompFd: 3 } : {}),
    tmpBytes: Math.min(diskBytes, limits.memoryMiB * 1024 * 1024),
    ...(root ? { runAs: { uid, setpriv: realpathSync(setpriv!) } } : {}),
  }, process.execPath);
  const rlimits = [`--fsize=${diskBytes}`, ...(root ? [`--nproc=${limits.pids}`] : [])];
  const group: AppCgroup | undefined = cg.kind === 'none' ? undefined : cg.create(cgroupName(dirname(dirname(paths.root)), manifest.name), limits);
  const fd = filtered ? openSync(seccompFile, 'r') : 'ignore';
  let child: ChildProcess;
  try {
    child = spawn(sh, joinWrapper(group?.procsFiles ?? [], [prlimit, ...rlimits, '--', bwrap, ...args]), { stdio: ['ignore', 'pipe', 'pipe', fd], env: {} });
  } catch (e) {
    group?.remove().catch(() => undefined);
    throw e;
  } finally {
    if (typeof fd === 'number') closeSync(fd);
  }
  const finished = new Promise<CgroupEvents | undefined>((done) => {
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      const last = group?.events();
      (group ? group.remove() : Promise.resolve()).then(() => done(last), () => done(last));
    };
    child.once('exit', settle);
    child.once('error', settle);
  });
  const kind = group ? (`cgroup ${group.kind}` as const) : ('none' as const);
  return Object.assign(child, { sandbox: { uid, limits: kind, weak, events: () => group?.events(), finished } });
};
