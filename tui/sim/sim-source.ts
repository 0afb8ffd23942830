// Where the watch's events come from: a live run in a child process (so a 300-node run never
// stalls the screen's event loop) or a trace file written by `sim run --trace`.
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TraceEvent } from '../../src/env/trace.ts';
import { SkywireError } from '../../src/errors.ts';
import type { SimSummary } from '../../simulator/sim-summary.ts';
import type { SimPlayer } from './sim-player.ts';

export interface LiveRun { summary: Promise<SimSummary>; kill(): void }

export const startLiveRun = (player: SimPlayer, scenarioFile: string, seed: number | undefined, traceFile: string | undefined): LiveRun => {
  const worker = fileURLToPath(new URL('./sim-worker.ts', import.meta.url));
  const child = fork(worker, [scenarioFile, seed === undefined ? '' : String(seed), traceFile ?? ''], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
  const summary = new Promise<SimSummary>((resolve, reject) => {
    child.on('message', (m: { k: string; duration?: number; events?: TraceEvent[]; summary?: SimSummary }) => {
      if (m.k === 'start') player.duration = m.duration!;
      if (m.k === 'events') player.push(m.events!);
      if (m.k === 'done') { player.done = true; player.hash = m.summary!.traceHash; resolve(m.summary!); }
    });
    child.on('exit', (code) => {
      if (!player.done) reject(new SkywireError('SCENARIO_INVALID', `the simulation stopped (exit ${code}): ${err.trim().split('\n').slice(-3).join(' ')}`));
    });
  });
  return { summary, kill: () => void child.kill() };
};

/** Reads a trace file whole (traces of the shipped scenarios are tens of MB at most). */
export const loadTrace = (player: SimPlayer, file: string): void => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SkywireError('SCENARIO_UNREADABLE', `cannot read trace ${file} (${(e as NodeJS.ErrnoException).code}): write one with "skywire sim run SCENARIO --trace FILE"`);
  }
  const events = text.split('\n').filter((l) => l.length > 0).map((l, i) => {
    try {
      return JSON.parse(l) as TraceEvent;
    } catch {
      throw new SkywireError('SCENARIO_INVALID', `${file}:${i + 1} is not a trace line (one JSON event per line)`);
    }
  });
  player.push(events);
  player.duration = events.at(-1)?.t ?? 0;
  player.done = true;
  player.hash = createHash('sha256').update(text).digest('hex');
};
