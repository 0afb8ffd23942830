// The radio channel: one half-duplex transmitter shared by every link on a radio carrier.
// Pure definition; the queue, airtime budgets, carrier sense and the port are provided in
// actors/radio-channel-actor.ts.
//
//            RADIO.QUEUED                    slot: clear ∧ rand < p
//   idle ─────────────────▶ contending ─────────────────────────────▶ transmitting
//    ▲                       │   ▲ ▲  slot: busy or rand ≥ p (reenter)      │
//    │     queue empty       │   │ └──────────────────────────────────────────┘ airtime over,
//    └───────────────────────┘   │                                             more queued
//                      blocked   ▼ budget refilled, a frame queued or heard
//                               held  (duty cycle or control budget exhausted, or the
//                                      peer's turn: actors/radio-channel-actor.ts)
//
// p-persistent CSMA as in KISS TNCs: each slot, if the channel is clear, transmit with
// probability p, else wait another slot. The first look happens at once (slot 0) so an idle
// channel adds no latency. While transmitting the radio cannot hear, so nothing else happens.
// Later slots are jittered (the provider draws them): stations whose slot clocks line up, as
// every node in a virtual-time run does, would otherwise all look at the same instant after a
// frame and collide far more often than unsynchronised radios on a real channel.
import { assign, setup } from 'xstate';

export interface RadioContext {
  /** Slots waited for the frame at the head of the queue (0 = first look). */
  slots: number;
}

/** RADIO.HEARD: a frame for us came in, so a turn we were leaving to the other side is over. */
export type RadioEvent = { type: 'RADIO.QUEUED' } | { type: 'RADIO.HEARD' } | { type: 'RADIO.STOP' };

export const radioMachine = setup({
  types: { context: {} as RadioContext, events: {} as RadioEvent },
  guards: {
    empty: () => true,
    blocked: () => false,
    mayTransmit: () => true,
    yields: () => true,
  },
  actions: {
    startTx: () => {},
    countSlot: assign({ slots: ({ context }) => context.slots + 1 }),
    resetSlots: assign({ slots: 0 }),
  },
  delays: {
    slot: ({ context }) => (context.slots === 0 ? 0 : 100),
    airtime: 0,
    hold: 1000,
  },
}).createMachine({
  id: 'radio',
  initial: 'idle',
  context: { slots: 0 },
  on: { 'RADIO.STOP': '.stopped' },
  states: {
    idle: {
      entry: 'resetSlots',
      on: { 'RADIO.QUEUED': 'contending' },
    },
    contending: {
      after: {
        slot: [
          { guard: 'empty', target: 'idle' },
          { guard: 'blocked', target: 'held' },
          { guard: 'mayTransmit', target: 'transmitting', actions: 'resetSlots' },
          { target: 'contending', reenter: true, actions: 'countSlot' },
        ],
      },
    },
    transmitting: {
      entry: 'startTx',
      after: {
        airtime: [
          { guard: 'empty', target: 'idle' },
          // With p < 1 no instant second look: the stations that waited through this frame get a
          // fair slot. With p = 1 a KISS TNC does the channel access, so frames go back to back.
          { guard: 'yields', target: 'contending', actions: 'countSlot' },
          { target: 'contending' },
        ],
      },
    },
    // A new frame may be one the hold does not cover (a message behind a held hello), and a
    // frame heard ends a turn left to the peer: both look again after a jittered slot, not at
    // once, since every station that heard the same frame would look in the same instant.
    held: {
      on: { 'RADIO.QUEUED': { target: 'contending', actions: 'countSlot' }, 'RADIO.HEARD': { target: 'contending', actions: 'countSlot' } },
      after: { hold: { target: 'contending', actions: 'resetSlots' } },
    },
    stopped: { type: 'final' },
  },
});

export type RadioState = 'idle' | 'contending' | 'transmitting' | 'held' | 'stopped';
