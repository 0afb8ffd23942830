// `sim run --watch` and `sim replay`: the player on a live run or a trace file, on the watch
// screen when stdout is a TTY, else as plain lines (faults and route transitions as they happen).
import { isTty } from '../node/node-tui.ts';
import { SimPlayer } from './sim-player.ts';
import { loadTrace, startLiveRun } from './sim-source.ts';
import { openSimScreen } from './sim-screen.ts';
import { counterLines } from './sim-panels.ts';
import type { TraceEvent } from '../../src/env/trace.ts';
import type { SimSummary } from '../../simulator/sim-summary.ts';

export interface WatchOptions { seed?: number | undefined; trace?: string | undefined; paused?: boolean | undefined }

const out = (s: string): void => void process.stdout.write(s);

/** Plain watch line for an event worth a line, else undefined. */
const plainLine = (e: TraceEvent, name: (a: string) => string): string | undefined => {
  if (e.ev === 'fault') return `${(e.t / 1000).toFixed(3)}s FAULT ${String(e.fault)} ${String(e.detail ?? '')}`;
  if (e.ev === 'route.state') return `${(e.t / 1000).toFixed(3)}s route ${e.node ?? ''}>${name(String(e.dest))} ${String(e.from)} -> ${String(e.to)}`;
  return undefined;
};

export const watchRun = async (file: string, o: WatchOptions, print: (s: SimSummary) => void): Promise<void> => {
  const player = new SimPlayer(0, o.paused);
  if (!isTty()) {
    // No screen: run in-process, print lines as events happen; the run is the same as without.
    const { loadScenario } = await import('../../simulator/scenario-load.ts');
    const { runScenario } = await import('../../simulator/sim-run.ts');
    const r = await runScenario(loadScenario(file), { seed: o.seed, traceFile: o.trace, onEvent: (e) => {
      player.model.apply(e);
      const l = plainLine(e, (a) => player.model.name(a));
      if (l) out(l + '\n');
    } });
    return print(r.summary);
  }
  const live = startLiveRun(player, file, o.seed, o.trace);
  let summary: SimSummary | undefined;
  let failed: Error | undefined;
  live.summary.then((s) => { summary = s; }, (e: Error) => { failed = e; });
  await openSimScreen(player);
  live.kill();
  if (failed) throw failed;
  if (summary) print(summary);
  else out('simulation stopped before the end (quit while running)\n');
};

export const watchReplay = async (file: string, o: WatchOptions & { watch?: boolean | undefined }): Promise<void> => {
  const player = new SimPlayer(0, o.paused);
  loadTrace(player, file);
  if (o.watch && isTty()) {
    await openSimScreen(player);
  } else {
    player.paused = false;
    for (const e of player.events) {
      player.model.apply(e);
      const l = plainLine(e, (a) => player.model.name(a));
      if (l) out(l + '\n');
    }
    player.index = player.events.length;
    player.vt = player.duration;
  }
  out(`${counterLines(player).join('\n')}\ntrace hash ${player.hash}\n`);
};
