// Where the watch's events come from: a live run in a child process (so a 300-node run never
// stalls the screen's event loop) or a trace file written by `sim run --trace`.
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TraceEvent } from '../../src/env/trace.ts';
import { SkywireError, type ErrorCode } from '../../src/errors.ts';
import type { SimSummary } from '../../simulator/sim-summary.ts';
import type { SimPlayer } from './sim-player.ts';

export interface LiveRun { summary: Promise<SimSummary>; kill(): void }

/**
 * The worker's file: next to this module. In the installed CLI this module is inside
 * dist/skywire.mjs, and scripts/build.mjs bundles the worker as dist/sim-worker.mjs (plain node,
 * no loader); from the sources it is sim-worker.ts, run through tsx.
 */
const workerFile = (): { file: string; execArgv: string[] } => {
  const bundled = import.meta.url.endsWith('.mjs');
  return {
    file: fileURLToPath(new URL(bundled ? './sim-worker.mjs' : './sim-worker.ts', import.meta.url)),
    execArgv: bundled ? [] : ['--import', 'tsx'],
  };
};

export const startLiveRun = (player: SimPlayer, scenarioFile: string, seed: number | undefined, traceFile: string | undefined): LiveRun => {
  const w = workerFile();
  if (!existsSync(w.file)) {
    throw new SkywireError('INSTALL_BROKEN', `the simulation worker ${w.file} is missing: run "npm install" (or "npm run build") in the skywire directory`);
  }
  player.source = 'starting';
  const child = fork(w.file, [scenarioFile, seed === undefined ? '' : String(seed), traceFile ?? ''], { execArgv: w.execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let err = '';
  let reported = '';
  child.stderr!.on('data', (c: Buffer) => { err = (err + c.toString()).slice(-4000); });
  const summary = new Promise<SimSummary>((resolve, reject) => {
    const fail = (e: SkywireError): void => {
      player.source = 'failed';
      player.failure = e.message;
      reject(e);
    };
    child.on('message', (m: { k: string; duration?: number; events?: TraceEvent[]; summary?: SimSummary; code?: string; message?: string }) => {
      if (m.k === 'start') { player.duration = m.duration!; player.source = 'running'; }
      if (m.k === 'events') player.push(m.events!);
      if (m.k === 'done') { player.done = true; player.hash = m.summary!.traceHash; resolve(m.summary!); }
      // The worker reports a user's error (an unreadable or invalid scenario) as code and line.
      if (m.k === 'error') reported = `${m.code ?? 'SCENARIO_INVALID'}\n${m.message ?? ''}`;
    });
    child.on('error', (e) => fail(new SkywireError('SCENARIO_INVALID', `cannot start the simulation worker (${(e as NodeJS.ErrnoException).code ?? e.message})`)));
    child.on('exit', (code, signal) => {
      if (player.done) return;
      if (reported) {
        const [c, msg] = reported.split('\n');
        return fail(new SkywireError(c as ErrorCode, msg!));
      }
      const tail = err.trim().split('\n').filter((l) => l.trim() && !l.startsWith('    at ')).slice(-2).join(' ');
      fail(new SkywireError('SIM_FAILED', `the simulation worker ended (${signal ?? `exit ${code}`})${tail ? `: ${tail}` : ''}; run it without --watch to see the whole error`));
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
