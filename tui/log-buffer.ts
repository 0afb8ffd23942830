// A Logger that keeps the last lines for a TUI log pane instead of writing to stdout, which
// the screen owns while it is open. Warnings are kept too, marked, so nothing is lost silently.
import { Subject } from 'rxjs';
import type { Logger } from '../src/cli/logger.ts';

export class LogBuffer implements Logger {
  readonly lines: string[] = [];
  readonly added$ = new Subject<string>();
  constructor(private readonly wallMs: () => number, private readonly keep = 500) {}

  info(m: string): void { this.add(m); }
  warn(m: string): void { this.add(`warning: ${m}`); }

  add(m: string): void {
    const line = `${new Date(this.wallMs()).toISOString().slice(11, 19)} ${m}`;
    this.lines.push(line);
    if (this.lines.length > this.keep) this.lines.splice(0, this.lines.length - this.keep);
    this.added$.next(line);
  }

  /** The lines so far, e.g. printed to stdout after the screen closes. */
  text(): string {
    return this.lines.map((l) => l + '\n').join('');
  }
}
