// Route lifecycle at the source, one actor per destination. Pure definition; the actor in
// actors/route-actor.ts provides the actions, guards and delays that touch the world.
//
//   resolving ──PATH──▶ setting-up ──ACK──▶ established
//     ▲  │ retry          │ retry  │            │ BROKEN / silent
//     │  │ timeout        │ attempts exhausted  ▼
//     │  ▼                └──────────────▶ repairing ──PATH──▶ setting-up
//     │ failed ◀──────────── timeout ───────────┘
//   closed ◀── CLOSE (from any state)
import { assign, setup } from 'xstate';

export interface RouteContext {
  attempts: number;
  repairs: number;
  /** When the current search for a path began: resolving and repairing give up after a while. */
  searchingSince: number;
}

export type RouteEvent =
  | { type: 'ROUTE.PATH' }
  | { type: 'ROUTE.ACKED' }
  | { type: 'ROUTE.BROKEN' }
  | { type: 'ROUTE.CLOSE' }
  /** Fleet membership refused the route (a relay or the destination): retrying cannot help. */
  | { type: 'ROUTE.REFUSED' };

export const routeMachine = setup({
  types: { context: {} as RouteContext, events: {} as RouteEvent, input: {} as { now: number } },
  guards: {
    searchExpired: () => false,
    attemptsExhausted: () => false,
    silent: () => false,
  },
  actions: {
    findPath: () => {},
    sendSetup: () => {},
    keepalive: () => {},
    established: () => {},
    failed: () => {},
    closed: () => {},
    avoidFirstHop: () => {},
    countAttempt: assign({ attempts: ({ context }) => context.attempts + 1 }),
    resetAttempts: assign({ attempts: 0 }),
    countRepair: assign({ repairs: ({ context }) => context.repairs + 1 }),
    startSearch: () => {},
  },
  delays: { pathRetry: 500, setupRetry: 1000, keepalive: 10_000 },
}).createMachine({
  id: 'route',
  initial: 'resolving',
  context: ({ input }) => ({ attempts: 0, repairs: 0, searchingSince: input.now }),
  on: { 'ROUTE.CLOSE': '.closed', 'ROUTE.REFUSED': '.failed' },
  states: {
    resolving: {
      entry: 'findPath',
      on: { 'ROUTE.PATH': 'setting-up' },
      after: { pathRetry: [{ guard: 'searchExpired', target: 'failed' }, { target: 'resolving', reenter: true }] },
    },
    'setting-up': {
      entry: ['countAttempt', 'sendSetup'],
      on: { 'ROUTE.ACKED': { target: 'established', actions: 'established' }, 'ROUTE.BROKEN': 'repairing' },
      after: {
        setupRetry: [
          { guard: 'attemptsExhausted', target: 'repairing', actions: 'avoidFirstHop' },
          { target: 'setting-up', reenter: true },
        ],
      },
    },
    established: {
      entry: 'resetAttempts',
      on: { 'ROUTE.BROKEN': 'repairing' },
      after: { keepalive: [{ guard: 'silent', target: 'repairing' }, { target: 'established', reenter: true, actions: 'keepalive' }] },
    },
    repairing: {
      // The retry loop is a child state so that re-searching does not count another repair.
      entry: ['countRepair', 'resetAttempts', 'startSearch'],
      on: { 'ROUTE.PATH': 'setting-up' },
      initial: 'searching',
      states: {
        searching: {
          entry: 'findPath',
          after: { pathRetry: [{ guard: 'searchExpired', target: '#route.failed' }, { target: 'searching', reenter: true }] },
        },
      },
    },
    failed: { type: 'final', entry: 'failed' },
    closed: { type: 'final', entry: 'closed' },
  },
});

export type RouteState = 'resolving' | 'setting-up' | 'established' | 'repairing' | 'failed' | 'closed';
