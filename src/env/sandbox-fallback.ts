// The weaker sandbox an operator may opt in to where bubblewrap is missing ("apps":
// {"allowWeakSandbox": true}): the app runs under Node's own permission model.
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
// - resources: no memory, CPU or disk limits (the bubblewrap mode has them);
// - it does not die with the node (the supervisor must kill it), and the feature is
//   experimental in Node 20.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SDK_PACKAGE_JSON } from './bwrap-args.ts';
import type { SandboxedProcess, SandboxSpec } from './sandbox-spawn.ts';

export const writeAtomic = (file: string, write: (tmp: string) => void): void => {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  write(tmp);
  renameSync(tmp, file);
};

/** Node's permission model cannot remap paths, so the SDK package sits where Node's lookup from
 *  the real src/ finds it: HOME/node_modules/skywire (HOME/apps/NAME/src -> ... -> HOME). */
export const spawnFallback = (spec: SandboxSpec, env: Record<string, string>): SandboxedProcess => {
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
  const child = spawn(process.execPath, args, { cwd: paths.data, stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, SKYWIRE_SOCKET: paths.socket, SKYWIRE_APP_CONFIG: paths.config, SKYWIRE_APP_DATA: paths.data, HOME: '/nonexistent' } });
  const weak = ['Node permission-model fallback: no network isolation, no uid of its own, no pids/memory/CPU/disk limits'];
  return Object.assign(child, { sandbox: { uid: process.getuid?.() ?? -1, limits: 'none' as const, weak, events: () => undefined, finished: new Promise<undefined>((r) => child.once('exit', () => r(undefined))) } });
};
