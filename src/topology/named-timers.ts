// Timers on the injected clock, by name, so a service re-arms one by setting it again and
// cancels them all on stop.
import type { Clock, TimerHandle } from '../env/clock.ts';

export class NamedTimers {
  private readonly handles = new Map<string, TimerHandle>();

  constructor(private readonly clock: Clock) {}

  set(name: string, ms: number, fn: () => void): void {
    this.clear(name);
    this.handles.set(name, this.clock.setTimeout(() => {
      this.handles.delete(name);
      fn();
    }, ms));
  }

  has(name: string): boolean {
    return this.handles.has(name);
  }

  clear(name: string): void {
    const h = this.handles.get(name);
    if (h === undefined) return;
    this.clock.clearTimeout(h);
    this.handles.delete(name);
  }

  clearAll(): void {
    for (const h of this.handles.values()) this.clock.clearTimeout(h);
    this.handles.clear();
  }
}
