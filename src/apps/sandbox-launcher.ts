// The real AppLauncher: for each start, the app's SDK socket (app host) is opened with the
// manifest of the version about to run, then the app is spawned in its sandbox. Health is the
// manifest's: listening on health.port, or ready() through the SDK. Output goes to
// HOME/run/apps/NAME/app.log, rotated with a cap (app-log.ts; the node's bookkeeping, not the
// app's data). The app's limits (manifest.limits) are the sandbox's; this file says when one
// was hit: the data/ quota it checks before each start and watches while it runs, the pids and
// memory limits and the file size limit from what the kernel counted.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Overlay } from '../overlay/overlay.ts';
import type { AppProcess } from '../../actors/app-actor.ts';
import { spawnSandboxed, type SandboxedProcess } from '../env/sandbox-spawn.ts';
import type { CgroupEvents } from '../env/cgroup-limits.ts';
import { diskUsage, watchQuota } from '../env/sandbox-quota.ts';
import { AppLog, type AppLogStats } from './app-log.ts';
import { exitConnector } from '../env/tcp-exit.ts';
import { openAppHost, type AppHost } from './app-host.ts';
import type { AppLauncher } from './app-manager.ts';
import type { AppPaths } from './app-paths.ts';
import { readSocksConfig } from './builtin/socks/socks-config.ts';
import type { Manifest } from './manifest.ts';

export interface LauncherOptions {
  overlay: Overlay;
  /** The bundled SDK file (src/apps/sdk-build.ts), built on first use. */
  sdkFile(): Promise<string>;
  allowWeakSandbox: boolean;
  log(line: string): void;
}

/** What status shows of a running (or the last) sandbox of an app. */
export interface SandboxStatus { uid: number; limits: string; weak: string[]; log: AppLogStats; limitHits: string[]; cgroup?: CgroupEvents }

const MiB = 1024 * 1024;

/** The limits the kernel enforced on this run, in words, for the node's log. */
const limitHits = (m: Manifest, signal: NodeJS.Signals | null, ev: { pidsRefused: number; oomKills: number } | undefined): string[] => {
  const hits: string[] = [];
  if (ev?.pidsRefused) hits.push(`pids limit (${m.limits.pids}): ${ev.pidsRefused} forks refused`);
  if (ev?.oomKills) hits.push(`memory limit (${m.limits.memoryMiB} MiB): ${ev.oomKills} processes killed`);
  if (signal === 'SIGXFSZ') hits.push(`file size limit (${m.limits.diskMiB} MiB): killed by SIGXFSZ`);
  return hits;
};

/** The exit policy of a 'tcp-exit' app comes from its own config/ (socks.json), read by the
 *  node at each start: the app can ask, but only the node opens sockets. */
const tcpExitFor = (p: AppPaths, m: Manifest) => (m.capabilities.includes('tcp-exit') ? exitConnector(readSocksConfig(p.config)) : undefined);

export const sandboxLauncher = (o: LauncherOptions): AppLauncher & { status(name: string): SandboxStatus | undefined } => {
  // A restart reuses the socket path: the next host must not open it before the last one has
  // finished closing (and unlinking) it.
  const closing = new Map<string, Promise<void>>();
  // One entry per installed app name, replaced on each start: bounded by the apps installed.
  const statuses = new Map<string, { st: SandboxStatus; proc: SandboxedProcess }>();
  const status = (name: string): SandboxStatus | undefined => {
    const s = statuses.get(name);
    return s && { ...s.st, cgroup: s.st.cgroup ?? s.proc.sandbox.events() };
  };
  return { status, launch(paths, manifest, onHealthy, onExit): AppProcess {
    let killed: 'SIGTERM' | 'SIGKILL' | undefined;
    let child: SandboxedProcess | undefined;
    let host: AppHost | undefined;
    let exited = false;
    const exit = (code: number | null): void => {
      if (exited) return;
      exited = true;
      if (host) closing.set(paths.socket, host.close().catch(() => undefined));
      onExit(code);
    };
    void (async () => {
      mkdirSync(paths.run, { recursive: true, mode: 0o700 });
      await closing.get(paths.socket);
      const healthPort = manifest.health.port;
      host = await openAppHost({
        overlay: o.overlay, manifest, socketPath: paths.socket, tcpConnect: tcpExitFor(paths, manifest),
        onReady: () => { if (healthPort === undefined) onHealthy(); },
        onListen: (port) => { if (port === healthPort) onHealthy(); },
      });
      const sdkFile = await o.sdkFile();
      if (killed) return exit(null);
      const quota = manifest.limits.diskMiB * MiB;
      const used = await diskUsage(paths.data, quota);
      if (used.bytes > quota) {
        o.log(`app ${manifest.name} not started: data/ holds ${Math.ceil(used.bytes / MiB)} MiB, over its disk quota of ${manifest.limits.diskMiB} MiB (limits.diskMiB in its manifest); free space in ${paths.data} or raise the quota`);
        return exit(null);
      }
      if (killed) return exit(null);
      const proc = spawnSandboxed({ paths, manifest, sdkFile, fallback: o.allowWeakSandbox });
      child = proc;
      const appLog = new AppLog(join(paths.run, 'app.log'), (l) => o.log(`app ${manifest.name}: ${l}`));
      const st: SandboxStatus = { uid: proc.sandbox.uid, limits: proc.sandbox.limits, weak: proc.sandbox.weak, log: appLog.stats, limitHits: [] };
      statuses.set(manifest.name, { st, proc });
      for (const w of proc.sandbox.weak) o.log(`app ${manifest.name}: WEAK SANDBOX: ${w}`);
      // Backpressure: a pipe paused until the log has caught up makes the app wait, not the node.
      for (const out of [proc.stdout, proc.stderr]) {
        out?.on('data', (c: Buffer) => {
          if (appLog.write(c)) return;
          out.pause();
          appLog.drained().then(() => out.resume(), () => out.resume());
        });
      }
      const watch = watchQuota(paths.data, quota, (u) => {
        st.limitHits.push(`disk quota (${manifest.limits.diskMiB} MiB): data/ reached ${Math.ceil(u.bytes / MiB)} MiB, app stopped`);
        o.log(`app ${manifest.name} is over its disk quota (${Math.ceil(u.bytes / MiB)} MiB of ${manifest.limits.diskMiB} MiB in data/): stopped`);
        proc.kill('SIGKILL');
      });
      proc.on('exit', (code, signal) => {
        watch.stop();
        o.log(`app ${manifest.name} ${manifest.version} exited (${signal ?? `code ${code}`})`);
        appLog.close().catch(() => undefined);
        // Exit is reported once the cgroup is gone, so a node that stops right after leaves none.
        proc.sandbox.finished.then((ev) => {
          st.cgroup = ev;
          const hits = limitHits(manifest, signal, ev);
          st.limitHits.push(...hits);
          for (const h of hits) o.log(`app ${manifest.name} hit its ${h}`);
        }).catch(() => undefined).finally(() => exit(code));
      });
      proc.on('error', (e) => { watch.stop(); o.log(`app ${manifest.name}: ${e.message}`); exit(null); });
    })().catch((e: Error) => {
      o.log(`app ${manifest.name} could not start: ${e.message}`);
      exit(null);
    });
    return {
      kill(signal) {
        killed = signal;
        child?.kill(signal);
      },
    };
  } };
};
