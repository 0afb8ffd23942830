// Real time for a node process. The only place protocol time touches the OS.
import { performance } from 'node:perf_hooks';
import type { Clock, TimerHandle } from './clock.ts';

export const realClock = (): Clock => ({
  now: () => Math.floor(performance.now()),
  wallMs: () => Date.now(),
  setTimeout: (fn: () => void, ms: number): TimerHandle => setTimeout(fn, Math.max(0, ms)),
  clearTimeout: (handle: TimerHandle) => clearTimeout(handle as NodeJS.Timeout),
});
