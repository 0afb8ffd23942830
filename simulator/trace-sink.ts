// Where a run's trace goes: every event becomes one canonical line, hashed as it streams (so
// determinism checks need no file), optionally written to a file and kept in memory.
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { canonicalLine, type Trace, type TraceEvent } from '../src/env/trace.ts';
import { SkywireError } from '../src/errors.ts';

export interface SimTraceOptions {
  /** Write lines to this file (truncated first). */
  file?: string | undefined;
  /** Keep the first N lines in memory (Infinity for all), for finding the first divergence. */
  keepLines?: number;
  /** Keep the last N lines in memory, for showing what led up to the end. */
  keepTail?: number;
}

// Lines are batched into synchronous writes: bounded memory whatever the trace size, and no
// stream backpressure to await inside the event loop of the simulation.
const FLUSH_AT = 1 << 16;

export class SimTrace implements Trace {
  /** Lines emitted so far. */
  lines = 0;
  private readonly sha: Hash = createHash('sha256');
  private readonly head: string[] = [];
  private readonly tailBuf: string[] = [];
  private readonly keepHead: number;
  private readonly keepTail: number;
  private fd: number | undefined;
  private pending = '';

  constructor(opts: SimTraceOptions = {}) {
    this.keepHead = opts.keepLines ?? 0;
    this.keepTail = opts.keepTail ?? 0;
    if (opts.file !== undefined) {
      try {
        this.fd = openSync(opts.file, 'w');
      } catch (e) {
        throw new SkywireError('SCENARIO_UNREADABLE', `cannot write trace file ${opts.file} (${(e as NodeJS.ErrnoException).code}): check the folder exists and is writable`, { cause: e });
      }
    }
  }

  emit(event: TraceEvent): void {
    const line = canonicalLine(event) + '\n';
    this.sha.update(line);
    if (this.lines < this.keepHead) this.head.push(line.slice(0, -1));
    if (this.keepTail > 0) {
      this.tailBuf[this.lines % this.keepTail] = line.slice(0, -1);
    }
    this.lines++;
    if (this.fd !== undefined) {
      this.pending += line;
      if (this.pending.length >= FLUSH_AT) this.flush();
    }
  }

  /** Hex SHA-256 of all lines so far, each followed by "\n" (the file's bytes). */
  hash(): string {
    return this.sha.copy().digest('hex');
  }

  /** The first keepLines lines. */
  kept(): string[] {
    return this.head.slice();
  }

  /** The last keepTail lines, oldest first. */
  tail(): string[] {
    const n = Math.min(this.keepTail, this.lines);
    const start = this.lines - n;
    return Array.from({ length: n }, (_, i) => this.tailBuf[(start + i) % this.keepTail]!);
  }

  async close(): Promise<void> {
    if (this.fd === undefined) return;
    this.flush();
    closeSync(this.fd);
    this.fd = undefined;
  }

  private flush(): void {
    if (this.fd === undefined || this.pending === '') return;
    writeSync(this.fd, this.pending);
    this.pending = '';
  }
}
