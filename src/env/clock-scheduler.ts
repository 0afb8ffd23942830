// An RxJS scheduler on an injected Clock, so time operators (timer, interval, delay, timeout,
// retry's delay) run in virtual time in the simulator and in real time on a node.
import { Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';
import type { Clock, TimerHandle } from './clock.ts';

export const clockScheduler = (clock: Clock): SchedulerLike => ({
  now: () => clock.now(),
  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    let handle: TimerHandle | undefined;
    let pending = false;
    const action = new Subscription(() => {
      if (pending) clock.clearTimeout(handle);
      pending = false;
    }) as SchedulerAction<T>;
    const arm = (st: T | undefined, ms: number): void => {
      if (action.closed) return;
      if (pending) clock.clearTimeout(handle);
      pending = true;
      handle = clock.setTimeout(() => {
        pending = false;
        // A periodic operator calls action.schedule() from inside work, which re-arms.
        work.call(action, st);
      }, Math.max(0, ms));
    };
    action.schedule = (st?: T, ms = 0) => {
      arm(st, ms);
      return action;
    };
    arm(state, delay);
    return action;
  },
});
