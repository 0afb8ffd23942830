// One application's lifecycle on a node. Pure definition: spawning the sandbox, signals, the
// directory swaps of an update and the health check are provided in actors/app-actor.ts.
//
//              APP.START            healthy
//  installed ────────────▶ starting ─────────▶ running ──APP.STOP──▶ stopping ──exited──▶ installed
//      ▲                    │  ▲                  │
//      │          exited or │  │ backoff          │ exited
//      │     health timeout ▼  │                  ▼
//      │                   crashed ◀──────────────┘
//      │
//  APP.UPDATE (new version unpacked beside the old one, from any resting state)
//      updating.stopping-old ─▶ updating.trial (new version started) ─healthy─▶ running (commit)
//                                        │ exited or health timeout
//                                        ▼
//                                   rolled-back (old version restored and started) ─healthy─▶ running
//
// A crash restarts with exponential backoff; the count resets once the app is healthy again.
// The update commits only after the new version passes its health check (as Mender does), so a
// bad bundle leaves the node running the version it had.
import { assign, setup } from 'xstate';

export interface AppContext {
  restarts: number;
  /** How the last update ended, for status and the deploy reply. */
  lastUpdate: 'none' | 'committed' | 'rolled-back';
}

export type AppEvent =
  | { type: 'APP.START' }
  | { type: 'APP.STOP' }
  | { type: 'APP.UPDATE' }
  | { type: 'APP.HEALTHY' }
  | { type: 'APP.EXITED'; code: number | null };

const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 60_000;
export const backoffMs = (restarts: number): number => Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(restarts, 16));

export const appMachine = setup({
  types: { context: {} as AppContext, events: {} as AppEvent },
  actions: {
    spawn: () => {},
    terminate: () => {},
    forceKill: () => {},
    swapInNext: () => {},
    restorePrevious: () => {},
    commitUpdate: () => {},
    countRestart: assign({ restarts: ({ context }) => context.restarts + 1 }),
    resetRestarts: assign({ restarts: 0 }),
    markCommitted: assign({ lastUpdate: 'committed' as const }),
    markRolledBack: assign({ lastUpdate: 'rolled-back' as const }),
  },
  delays: {
    healthTimeout: 15_000,
    backoff: ({ context }) => backoffMs(context.restarts),
    stopGrace: 5_000,
  },
}).createMachine({
  id: 'app',
  initial: 'installed',
  context: { restarts: 0, lastUpdate: 'none' },
  states: {
    installed: {
      on: { 'APP.START': 'starting', 'APP.UPDATE': 'updating.swap' },
    },
    starting: {
      entry: 'spawn',
      after: { healthTimeout: { target: 'crashed', actions: 'terminate' } },
      on: {
        'APP.HEALTHY': { target: 'running', actions: 'resetRestarts' },
        'APP.EXITED': 'crashed',
        'APP.STOP': 'stopping',
        'APP.UPDATE': 'updating',
      },
    },
    running: {
      on: { 'APP.EXITED': 'crashed', 'APP.STOP': 'stopping', 'APP.UPDATE': 'updating' },
    },
    crashed: {
      entry: 'countRestart',
      after: { backoff: 'starting' },
      on: { 'APP.STOP': 'installed', 'APP.UPDATE': 'updating.swap', 'APP.START': 'starting' },
    },
    stopping: {
      entry: 'terminate',
      after: { stopGrace: { actions: 'forceKill' } },
      on: { 'APP.EXITED': 'installed' },
    },
    updating: {
      initial: 'stopping-old',
      states: {
        'stopping-old': {
          entry: 'terminate',
          after: { stopGrace: { actions: 'forceKill' } },
          on: { 'APP.EXITED': 'swap' },
        },
        swap: {
          entry: 'swapInNext',
          always: 'trial',
        },
        trial: {
          entry: 'spawn',
          after: { healthTimeout: { target: 'failing', actions: 'terminate' } },
          on: {
            'APP.HEALTHY': { target: '#app.running', actions: ['commitUpdate', 'markCommitted', 'resetRestarts'] },
            'APP.EXITED': '#app.rolled-back',
          },
        },
        // The new version missed its deadline: wait for it to exit before restoring the old.
        failing: {
          after: { stopGrace: { actions: 'forceKill' } },
          on: { 'APP.EXITED': '#app.rolled-back' },
        },
      },
    },
    'rolled-back': {
      entry: ['restorePrevious', 'markRolledBack', 'spawn'],
      after: { healthTimeout: { target: 'crashed', actions: 'terminate' } },
      on: {
        'APP.HEALTHY': { target: 'running', actions: 'resetRestarts' },
        'APP.EXITED': 'crashed',
        'APP.STOP': 'stopping',
      },
    },
  },
});

export type AppState = 'installed' | 'starting' | 'running' | 'crashed' | 'stopping' | 'updating' | 'rolled-back';
