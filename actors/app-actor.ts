// Binds machines/app.ts to the world: a process started in the sandbox, its exit, the health
// signal from the app host, and the directory swaps of an update. Everything that touches the
// disk or spawns is behind AppRuntime, so the lifecycle runs the same against a fake in tests.
import { createActor, type Actor } from 'xstate';
import { BehaviorSubject, filter, firstValueFrom, Subject } from 'rxjs';
import type { Clock } from '../src/env/clock.ts';
import { appMachine, type AppState } from '../machines/app.ts';

/** One running instance of the app. */
export interface AppProcess {
  kill(signal: 'SIGTERM' | 'SIGKILL'): void;
}

export interface AppRuntime {
  /** Starts the current version; onHealthy when it passes its check, onExit once when it ends. */
  spawn(onHealthy: () => void, onExit: (code: number | null) => void): AppProcess;
  /** Health deadline of the version about to start (from its manifest). */
  healthTimeoutMs(): number;
  swapInNext(): void;
  restorePrevious(): void;
  commitUpdate(): void;
}

export interface AppTransition { t: number; app: string; from: AppState; to: AppState; event: string }
export type UpdateOutcome = 'committed' | 'rolled-back';
/** The new version exited before it was healthy, or was not healthy by its deadline. */
export type UpdateFailure = { kind: 'exited'; code: number | null } | { kind: 'timeout' };

const top = (v: unknown): AppState => (typeof v === 'string' ? v : Object.keys(v as object)[0]!) as AppState;

export class AppActor {
  readonly state$: BehaviorSubject<AppState>;
  readonly transitions$ = new Subject<AppTransition>();
  private readonly actor: Actor<typeof appMachine>;
  private proc: AppProcess | undefined;
  /** Spawn generation: a late exit or health signal from an older process is ignored. */
  private gen = 0;
  private pendingUpdate: ((o: UpdateOutcome) => void) | undefined;
  /** Why the last update was rolled back, for the deploy's report. */
  updateFailure: UpdateFailure | undefined;
  private lastExitCode: number | null = null;
  /** The trial of this update missed its health deadline (machines/app.ts: updating.failing). */
  private trialTimedOut = false;

  constructor(readonly name: string, clock: Clock, private readonly rt: AppRuntime) {
    this.state$ = new BehaviorSubject<AppState>('installed');
    const logic = appMachine.provide({
      actions: {
        spawn: () => this.spawn(),
        terminate: () => this.proc?.kill('SIGTERM'),
        forceKill: () => this.proc?.kill('SIGKILL'),
        swapInNext: () => rt.swapInNext(),
        restorePrevious: () => rt.restorePrevious(),
        commitUpdate: () => rt.commitUpdate(),
      },
      delays: { healthTimeout: () => rt.healthTimeoutMs() },
    });
    this.actor = createActor(logic, { clock });
    this.actor.subscribe((snap) => {
      const to = top(snap.value);
      const from = this.state$.value;
      if (snap.matches({ updating: 'failing' })) this.trialTimedOut = true;
      if (to === 'rolled-back' && from === 'updating') {
        this.updateFailure = this.trialTimedOut ? { kind: 'timeout' } : { kind: 'exited', code: this.lastExitCode };
      }
      if (to === from) return;
      this.transitions$.next({ t: clock.now(), app: name, from, to, event: '' });
      this.state$.next(to);
      if (to === 'running' && from === 'updating') this.settleUpdate(snap.context.lastUpdate === 'committed' ? 'committed' : 'rolled-back');
      if (to === 'rolled-back') this.settleUpdate('rolled-back');
    });
    this.actor.start();
  }

  private spawn(): void {
    const g = ++this.gen;
    try {
      this.proc = this.rt.spawn(
        () => { if (g === this.gen) this.actor.send({ type: 'APP.HEALTHY' }); },
        (code) => { if (g === this.gen) { this.proc = undefined; this.lastExitCode = code; this.actor.send({ type: 'APP.EXITED', code }); } },
      );
    } catch {
      // A spawn that cannot even start (sandbox missing, bad manifest) is a crash: the backoff
      // retries it, and status shows the app as crashed rather than the node failing.
      this.proc = undefined;
      this.lastExitCode = null;
      queueMicrotask(() => { if (g === this.gen) this.actor.send({ type: 'APP.EXITED', code: null }); });
    }
  }

  private settleUpdate(o: UpdateOutcome): void {
    const p = this.pendingUpdate;
    this.pendingUpdate = undefined;
    p?.(o);
  }

  get state(): AppState {
    return this.state$.value;
  }

  get restarts(): number {
    return this.actor.getSnapshot().context.restarts;
  }

  get lastUpdate(): 'none' | UpdateOutcome {
    return this.actor.getSnapshot().context.lastUpdate;
  }

  start(): void {
    this.actor.send({ type: 'APP.START' });
  }

  stop(): void {
    this.actor.send({ type: 'APP.STOP' });
  }

  /** The next version is unpacked beside the current one: swap it in and try it. */
  update(): Promise<UpdateOutcome> {
    this.updateFailure = undefined;
    this.trialTimedOut = false;
    return new Promise((resolve) => {
      this.pendingUpdate = resolve;
      this.actor.send({ type: 'APP.UPDATE' });
    });
  }

  /** The app has a process (starting, running, or on its way down). */
  get running(): boolean {
    return this.proc !== undefined;
  }

  /** Resolves once the app is installed and has no process: after stop(). */
  whenStopped(): Promise<void> {
    return firstValueFrom(this.state$.pipe(filter((s) => s === 'installed' && !this.running))).then(() => undefined);
  }

  /** The first verdict after a start: healthy (running) or not (crashed). */
  whenSettled(): Promise<'running' | 'crashed'> {
    return firstValueFrom(this.state$.pipe(filter((s): s is 'running' | 'crashed' => s === 'running' || s === 'crashed')));
  }
}
