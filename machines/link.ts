// Link lifecycle, one actor per neighbour. Pure definition: guards, actions and delays that
// need the world (clock, random, sessions) are named here and provided in actors/link-actor.ts.
//
//            LINK.START            HANDSHAKE_DONE
//   idle ──────────────▶ handshaking ─────────────▶ up ◀──────────┐
//                          │  ▲  retry (reenter)    │ rekeyDue     │ HANDSHAKE_DONE
//              attempts    │  │                     ▼              │
//              exhausted   ▼  │ backoff          rekeying ─────────┘
//                         down ◀──────────── peerDead / attempts exhausted
import { assign, setup } from 'xstate';

export interface LinkContext {
  attempts: number;
  failures: number;
  maxAttempts: number;
}

export type LinkEvent =
  | { type: 'LINK.START' }
  | { type: 'LINK.STOP' }
  | { type: 'LINK.HANDSHAKE_DONE' }
  | { type: 'LINK.REKEY_NEEDED' };

export const linkMachine = setup({
  types: {
    context: {} as LinkContext,
    events: {} as LinkEvent,
    input: {} as { maxAttempts: number },
  },
  guards: {
    canInitiate: () => true,
    peerDead: () => false,
    rekeyDue: () => false,
    attemptsExhausted: ({ context }) => context.attempts >= context.maxAttempts,
  },
  actions: {
    sendInit: () => {},
    tick: () => {},
    dropSessions: () => {},
    countAttempt: assign({ attempts: ({ context }) => context.attempts + 1 }),
    resetAttempts: assign({ attempts: 0 }),
    countFailure: assign({ failures: ({ context }) => context.failures + 1 }),
    resetFailures: assign({ failures: 0, attempts: 0 }),
  },
  delays: {
    handshakeRetry: 1000,
    keepalive: 5000,
    backoff: ({ context }) => Math.min(30_000, 1000 * 2 ** Math.max(0, context.failures - 1)),
  },
}).createMachine({
  id: 'link',
  initial: 'idle',
  context: ({ input }) => ({ attempts: 0, failures: 0, maxAttempts: input.maxAttempts }),
  on: {
    'LINK.STOP': { target: '.idle', actions: 'dropSessions' },
  },
  states: {
    idle: {
      on: {
        'LINK.START': { guard: 'canInitiate', target: 'handshaking', actions: 'resetAttempts' },
        'LINK.HANDSHAKE_DONE': 'up',
      },
    },
    handshaking: {
      entry: ['countAttempt', 'sendInit'],
      after: {
        handshakeRetry: [
          { guard: 'attemptsExhausted', target: 'down' },
          { target: 'handshaking', reenter: true },
        ],
      },
      on: { 'LINK.HANDSHAKE_DONE': 'up' },
    },
    up: {
      entry: 'resetFailures',
      after: {
        keepalive: [
          { guard: 'peerDead', target: 'down' },
          { guard: 'rekeyDue', target: 'rekeying' },
          { target: 'up', reenter: true, actions: 'tick' },
        ],
      },
      on: {
        'LINK.REKEY_NEEDED': 'rekeying',
        'LINK.HANDSHAKE_DONE': { actions: 'resetAttempts' },
      },
    },
    rekeying: {
      entry: ['countAttempt', 'sendInit'],
      after: {
        handshakeRetry: [
          { guard: 'peerDead', target: 'down' },
          { guard: 'attemptsExhausted', target: 'down' },
          { target: 'rekeying', reenter: true, actions: 'tick' },
        ],
      },
      on: { 'LINK.HANDSHAKE_DONE': 'up' },
    },
    down: {
      entry: ['dropSessions', 'countFailure', 'resetAttempts'],
      after: {
        backoff: [
          { guard: 'canInitiate', target: 'handshaking' },
          { target: 'down', reenter: true },
        ],
      },
      on: { 'LINK.HANDSHAKE_DONE': 'up' },
    },
  },
});

export type LinkState = 'idle' | 'handshaking' | 'up' | 'rekeying' | 'down';
