// How a stream ends, apart from the protocol that gets it there:
//
//   dialer:   connecting ──SYN acked──▶ open ──our FIN acked + peer's FIN in──▶ closed (lingers)
//   listener:     (created on a SYN) ──▶ open ────────────────────────────────▶ closed
//   any ──RST in, timeout, conversation failure──▶ failed        abort() ──RST out──▶ failed
//
// A closed stream lingers so that a retransmitted FIN (our last ACK lost) is answered, not reset.
// A stream whose timers keep expiring unanswered gives up (liveness.ts) with 'timeout'.
import type { Clock } from '../env/clock.ts';
import { Deadline } from './deadline.ts';
import { Liveness } from './liveness.ts';
import type { StreamConfig } from './stream-config.ts';
import type { StreamErrorCode } from './stream-error.ts';
import { noEvents, type StreamEvents } from './stream-events.ts';

export type StreamState = 'connecting' | 'open' | 'closed' | 'failed';

export interface LifecycleHooks {
  /** Stop every protocol timer. */
  halt(): void;
  /** Tell the peer with a RST. */
  rst(): void;
  /** Leave the conversation's table. */
  leave(): void;
}

export abstract class StreamLifecycle {
  state: StreamState;
  error: StreamErrorCode | null = null;
  events: StreamEvents = noEvents();
  private readonly lingerTimer: Deadline;
  private readonly liveness: Liveness;

  protected constructor(initial: StreamState, private readonly clock: Clock, private readonly config: StreamConfig, private readonly hooks: LifecycleHooks) {
    this.state = initial;
    this.lingerTimer = new Deadline(clock, () => hooks.leave());
    this.liveness = new Liveness(config);
  }

  get failed(): boolean {
    return this.state === 'failed';
  }

  get active(): boolean {
    return this.state === 'connecting' || this.state === 'open';
  }

  /** The app gave up on the stream: tell the peer, raise nothing locally. */
  abort(): void {
    // A closed stream keeps lingering: the peer may still need our last ACK.
    if (!this.active) return;
    this.hooks.rst();
    this.terminate(null);
  }

  /** Fails the stream with `code`, telling the peer with a RST. */
  reset(code: StreamErrorCode): void {
    if (this.active) this.hooks.rst();
    this.fail(code);
  }

  /** Fails the stream with `code` without a word to the peer (it is gone, or it said RST). */
  fail(code: StreamErrorCode): void {
    this.terminate(this.active ? code : null);
  }

  protected close(): void {
    this.state = 'closed';
    this.hooks.halt();
    this.lingerTimer.set(this.clock.now() + this.config.lingerMs);
  }

  /** Anything from the peer proves it alive. */
  protected heard(): void {
    this.liveness.heard();
  }

  /** A timer expired unanswered; false when the stream just gave up. */
  protected stillTrying(): boolean {
    if (this.liveness.expired(this.clock.now())) return true;
    this.reset('timeout');
    return false;
  }

  private terminate(code: StreamErrorCode | null): void {
    if (this.state === 'failed') return;
    this.state = 'failed';
    this.error = code;
    this.hooks.halt();
    this.lingerTimer.clear();
    this.hooks.leave();
    if (code) this.events.error(code);
  }
}
