// Every app installed on this node: one AppActor each, created from HOME/apps at start-up
// (after recovering any interrupted update), and the operations the master's commands call:
// install or update from a verified bundle, start, stop, remove, export and import.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Subject } from 'rxjs';
import type { Clock } from '../env/clock.ts';
import { AppActor, type AppProcess, type AppTransition, type UpdateOutcome } from '../../actors/app-actor.ts';
import { configVersionOf, recoverConfigSwap } from './app-config-push.ts';
import { fail } from '../errors.ts';
import { appPaths, appsDir, APP_NAME, type AppPaths } from './app-paths.ts';
import { readManifest, type Manifest } from './manifest.ts';
import { logTail } from './app-log.ts';
import { commitUpdate, placeNext, readDesired, recover, restorePrevious, swapInNext, writeDesired } from './app-store.ts';

export interface AppLauncher {
  launch(paths: AppPaths, manifest: Manifest, onHealthy: () => void, onExit: (code: number | null) => void): AppProcess;
  /** How the app's last start is sandboxed: uid, limits, weak points, log counters, limit hits. */
  status?(name: string): unknown;
}

export interface AppStatus { name: string; version: string | null; configVersion: number; state: string; restarts: number; lastUpdate: string; ports: number[]; sandbox: unknown }

/** A deploy's verdict; a rollback says why and carries the app's last log lines. */
export interface InstallResult { name: string; version: string; outcome: UpdateOutcome; reason?: string; log?: string[] }

export class AppManager {
  private readonly apps = new Map<string, AppActor>();
  readonly transitions$ = new Subject<AppTransition>();

  constructor(private readonly home: string, private readonly clock: Clock, private readonly launcher: AppLauncher) {}

  /** Recovers interrupted updates and starts every app whose operator last wanted it running. */
  loadAll(): { recovered: string[] } {
    const recovered: string[] = [];
    const dir = appsDir(this.home);
    if (!existsSync(dir)) return { recovered };
    for (const name of readdirSync(dir).filter((n) => APP_NAME.test(n)).sort()) {
      const p = appPaths(this.home, name);
      if (recover(p) === 'rolled-back') recovered.push(name);
      recoverConfigSwap(p);
      if (!existsSync(p.src)) continue;
      const a = this.actorFor(name);
      if (readDesired(p).want === 'running') a.start();
    }
    return { recovered };
  }

  private actorFor(name: string): AppActor {
    const existing = this.apps.get(name);
    if (existing) return existing;
    const p = appPaths(this.home, name);
    const a = new AppActor(name, this.clock, {
      spawn: (onHealthy, onExit) => this.launcher.launch(p, readManifest(p.src), onHealthy, onExit),
      healthTimeoutMs: () => { try { return readManifest(p.src).health.timeoutMs; } catch { return 15_000; } },
      swapInNext: () => swapInNext(p),
      restorePrevious: () => restorePrevious(p),
      commitUpdate: () => commitUpdate(p),
    });
    a.transitions$.subscribe(this.transitions$);
    this.apps.set(name, a);
    return a;
  }

  has(name: string): boolean {
    return this.apps.has(name);
  }

  get(name: string): AppActor {
    return this.apps.get(name) ?? fail('APP_NOT_FOUND', `no app "${name}" is installed on this node ("skywire app list" shows those that are)`);
  }

  list(): AppStatus[] {
    return [...this.apps.values()].sort((a, b) => a.name.localeCompare(b.name)).map((a) => {
      let m: Manifest | undefined;
      try { m = readManifest(appPaths(this.home, a.name).src); } catch { m = undefined; }
      return { name: a.name, version: m?.version ?? null, configVersion: configVersionOf(appPaths(this.home, a.name)), state: a.state, restarts: a.restarts, lastUpdate: a.lastUpdate, ports: m?.ports ?? [], sandbox: this.launcher.status?.(a.name) ?? null };
    });
  }

  /** Installs (first time) or updates from a directory holding src/ and maybe config/ that
   *  was unpacked from a verified bundle. Resolves once the new version is committed or the
   *  old one is back; a first install that never became healthy is removed again. */
  async installUnpacked(unpacked: string, manifest: Manifest): Promise<InstallResult> {
    const p = appPaths(this.home, manifest.name);
    const fresh = !existsSync(p.src);
    placeNext(p, unpacked);
    const a = this.actorFor(manifest.name);
    writeDesired(p, { want: 'running' });
    const outcome = await a.update();
    if (outcome === 'committed') return { name: manifest.name, version: manifest.version, outcome };
    // Why, in the operator's words, and what the app said: read before a fresh install's
    // directories go.
    const f = a.updateFailure;
    const check = manifest.health.port !== undefined ? `listening on port ${manifest.health.port}` : 'calling ready()';
    const reason = f?.kind === 'exited'
      ? `the new version exited${f.code === null ? '' : ` with code ${f.code}`} before its health check (${check}) passed`
      : `the new version was not healthy (${check}) within ${manifest.health.timeoutMs} ms`;
    const log = logTail(join(p.run, 'app.log'), 10);
    if (fresh) await this.remove(manifest.name);
    return { name: manifest.name, version: manifest.version, outcome, reason: fresh ? `${reason}; the first install was removed` : `${reason}; the previous version runs again`, log };
  }

  /** Installs a whole app directory (src, config, data) restored from an export, and starts it.
   *  Resolves with the first verdict: running (healthy) or crashed. */
  async importRoot(root: string, manifest: Manifest): Promise<{ name: string; version: string; state: string }> {
    const p = appPaths(this.home, manifest.name);
    if (existsSync(p.src)) fail('APP_EXISTS', `${manifest.name} is already installed here; remove it first ("skywire app remove") or import elsewhere`);
    rmSync(p.root, { recursive: true, force: true });
    mkdirSync(dirname(p.root), { recursive: true, mode: 0o700 });
    renameSync(root, p.root);
    const a = this.actorFor(manifest.name);
    writeDesired(p, { want: 'running' });
    a.start();
    const state = await a.whenSettled();
    return { name: manifest.name, version: manifest.version, state };
  }

  paths(name: string): AppPaths {
    return appPaths(this.home, name);
  }

  /** A scratch directory on the same filesystem, so placing an unpacked tree is a rename. */
  scratch(): string {
    const dir = join(this.home, 'run', 'apps');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return mkdtempSync(join(dir, 'unpack-'));
  }

  start(name: string): void {
    writeDesired(appPaths(this.home, name), { want: 'running' });
    this.get(name).start();
  }

  /** Stops the app and resolves once its process is gone. */
  async stop(name: string): Promise<void> {
    const a = this.get(name);
    writeDesired(appPaths(this.home, name), { want: 'stopped' });
    a.stop();
    await a.whenStopped();
  }

  async remove(name: string): Promise<void> {
    const a = this.get(name);
    a.stop();
    await a.whenStopped();
    this.apps.delete(name);
    const p = appPaths(this.home, name);
    rmSync(p.root, { recursive: true, force: true });
    rmSync(p.run, { recursive: true, force: true });
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.apps.values()].map((a) => { a.stop(); return a.whenStopped(); }));
  }
}
