// A long `sim run` on a terminal shows where it is: simulated time, events per second, speed
// against real time, ETA, nodes and links up, on one line of stderr redrawn at most twice a second (stdout stays the summary, so
// `sim run ... > out.txt` and --json are unchanged). Off when stderr is not a TTY.
import type { SimProgress } from '../../simulator/sim-run.ts';
import { realClock } from '../env/real-clock.ts';

export interface ProgressLine { update(p: SimProgress): void; done(): void }

export const progressLine = (label: string, enabled = process.stderr.isTTY === true): ProgressLine | undefined => {
  if (!enabled) return undefined;
  const clock = realClock();
  const start = clock.now();
  let last = 0;
  let shown = false;
  return {
    update: (p) => {
      const now = clock.now();
      if (now - last < 500) return;
      last = now;
      const wallS = Math.max(0.001, (now - start) / 1000);
      const left = p.t > 0 ? ((p.duration - p.t) / p.t) * wallS : 0;
      // Short enough for 80 columns with a scenario name of 16 characters (up nodes and links).
      const line = `${label} t=${(p.t / 1000).toFixed(0)}/${(p.duration / 1000).toFixed(0)}s ${Math.round(p.events / wallS).toLocaleString('en-US')} ev/s ` +
        `${(p.t / 1000 / wallS).toFixed(1)}x ETA ${Math.ceil(left)}s nodes ${p.nodesUp}/${p.nodes} links ${p.linksUp}/${p.links}`;
      process.stderr.write(`\r\x1b[K${line.slice(0, (process.stderr.columns || 80) - 1)}`);
      shown = true;
    },
    done: () => { if (shown) process.stderr.write('\r\x1b[K'); },
  };
};
