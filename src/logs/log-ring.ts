// The node's recent log lines in memory, for `skywire logs NODE` and the dashboard: every line
// still goes to the console (journald on a Pi) as before, and the last MAX_LINES (at most
// MAX_BYTES) are kept here too, each stamped and cut to MAX_LINE characters. Nothing is written
// to disk, so a chatty node costs a bounded amount of memory and no SD card wear.
import { Subject } from 'rxjs';
import type { Logger } from '../cli/logger.ts';

export const MAX_LINES = 2000;
export const MAX_BYTES = 512 * 1024;
export const MAX_LINE = 1000;

export class LogRing implements Logger {
  private readonly lines: string[] = [];
  private bytes = 0;
  /** Lines dropped from the front to stay within the bounds. */
  evicted = 0;
  readonly added$ = new Subject<string>();

  constructor(private readonly inner: Logger, private readonly wallMs: () => number) {}

  info(m: string): void {
    this.inner.info(m);
    this.add(m);
  }

  warn(m: string): void {
    this.inner.warn(m);
    this.add(`warning: ${m}`);
  }

  /** The last n lines, oldest first. */
  tail(n: number): string[] {
    return this.lines.slice(-Math.max(0, n));
  }

  private add(m: string): void {
    const line = `${new Date(this.wallMs()).toISOString()} ${m.length > MAX_LINE ? `${m.slice(0, MAX_LINE)}…` : m}`;
    this.lines.push(line);
    this.bytes += line.length;
    while (this.lines.length > MAX_LINES || this.bytes > MAX_BYTES) {
      this.bytes -= this.lines.shift()!.length;
      this.evicted++;
    }
    this.added$.next(line);
  }
}
