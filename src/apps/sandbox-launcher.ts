// The real AppLauncher: for each start, the app's SDK socket (app host) is opened with the
// manifest of the version about to run, then the app is spawned in its sandbox. Health is the
// manifest's: listening on health.port, or ready() through the SDK. Output goes to
// HOME/run/apps/NAME/app.log (the node's bookkeeping, not the app's data).
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Overlay } from '../overlay/overlay.ts';
import type { AppProcess } from '../../actors/app-actor.ts';
import { spawnSandboxed } from '../env/sandbox-spawn.ts';
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

/** The exit policy of a 'tcp-exit' app comes from its own config/ (socks.json), read by the
 *  node at each start: the app can ask, but only the node opens sockets. */
const tcpExitFor = (p: AppPaths, m: Manifest) => (m.capabilities.includes('tcp-exit') ? exitConnector(readSocksConfig(p.config)) : undefined);

export const sandboxLauncher = (o: LauncherOptions): AppLauncher => {
  // A restart reuses the socket path: the next host must not open it before the last one has
  // finished closing (and unlinking) it.
  const closing = new Map<string, Promise<void>>();
  return { launch(paths, manifest, onHealthy, onExit): AppProcess {
    let killed: 'SIGTERM' | 'SIGKILL' | undefined;
    let child: ReturnType<typeof spawnSandboxed> | undefined;
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
      child = spawnSandboxed({ paths, manifest, sdkFile, fallback: o.allowWeakSandbox });
      const logFile = createWriteStream(join(paths.run, 'app.log'), { flags: 'a' });
      child.stdout?.pipe(logFile, { end: false });
      child.stderr?.pipe(logFile, { end: false });
      child.on('exit', (code, signal) => {
        o.log(`app ${manifest.name} ${manifest.version} exited (${signal ?? `code ${code}`})`);
        logFile.end();
        exit(code);
      });
      child.on('error', (e) => { o.log(`app ${manifest.name}: ${e.message}`); exit(null); });
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
