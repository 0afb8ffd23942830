// Applications on a running node: the manager with the real sandbox launcher, the master's app
// commands on the node's command port, and what `skywire status` and the TUI show.
import { join } from 'node:path';
import type { Overlay } from '../overlay/overlay.ts';
import type { NodeAgent } from '../master/node-agent.ts';
import type { Clock } from '../env/clock.ts';
import { AppManager } from '../apps/app-manager.ts';
import { sandboxLauncher } from '../apps/sandbox-launcher.ts';
import { buildSdk } from '../apps/sdk-build.ts';
import { registerAppCommands } from '../apps/app-commands.ts';
import { extractBundle } from '../apps/bundle-extract.ts';
import { packArchive, unpackArchive } from '../apps/archive-format.ts';
import type { Logger } from './logger.ts';
import { installSoftware } from '../apps/self-update.ts';

export const appCodec = { extractBundle, packArchive, unpackArchive };

export interface NodeApps { manager: AppManager; stop(): Promise<void> }

export const attachApps = (d: { home: string; overlay: Overlay; agent: NodeAgent; clock: Clock; allowWeakSandbox: boolean; log: Logger; restart(): void }): NodeApps => {
  // Built lazily on the first start, so a node without apps pays nothing for esbuild.
  let sdk: Promise<string> | undefined;
  const sdkFile = (): Promise<string> => (sdk ??= buildSdk(join(d.home, 'run', 'sdk', 'app.mjs')));
  const manager = new AppManager(d.home, d.clock, sandboxLauncher({ overlay: d.overlay, sdkFile, allowWeakSandbox: d.allowWeakSandbox, log: (l) => d.log.info(l) }));
  registerAppCommands(d.agent.commands, manager, appCodec, {
    install: (dir, m) => installSoftware(d.home, dir, m),
    // After the reply is on its way; the launcher starts the trial (systemd restarts us).
    restart: () => void d.clock.setTimeout(() => d.restart(), 300),
  });
  manager.transitions$.subscribe((t) => d.log.info(`app ${t.app} ${t.from} -> ${t.to}`));
  const { recovered } = manager.loadAll();
  for (const name of recovered) d.log.warn(`app ${name}: an update was interrupted before it was committed; rolled back to the previous version`);
  return { manager, stop: () => manager.closeAll() };
};
