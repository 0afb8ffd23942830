// The only way protocol code learns the time or waits. Real time lives in real-clock.ts,
// virtual time in simulator/sim-clock.ts. Times are integer milliseconds.
export type TimerHandle = unknown;

export interface Clock {
  /** Monotonic milliseconds (integer) since an arbitrary origin: for timers and RTT. */
  now(): number;
  /** Milliseconds since the Unix epoch, possibly offset per node in the simulator. */
  wallMs(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}
