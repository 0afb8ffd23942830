// A progress bar for `skywire fs get|put` (bytes, MB/s, ETA) on a terminal; nothing otherwise,
// so scripts and logs get only the result. The rate is from the start of this transfer, so a
// resumed upload shows the speed of what it actually sends.
import { Presets, SingleBar } from 'cli-progress';
import { realClock } from '../env/real-clock.ts';

export interface TransferBar { update(done: number, total: number): void; stop(): void }

const mb = (n: number): string => (n / 1e6).toFixed(1);

export const transferBar = (label: string, show: boolean): TransferBar => {
  if (!show) return { update: () => {}, stop: () => {} };
  const clock = realClock();
  const bar = new SingleBar({
    format: `${label} |{bar}| {percentage}% {doneMb}/{totalMb} MB | {speed} MB/s | ETA {eta_formatted}`,
    hideCursor: true, etaBuffer: 40, stream: process.stderr,
  }, Presets.shades_classic);
  let start: { at: number; done: number } | undefined;
  return {
    update: (done, total) => {
      if (!start) {
        start = { at: clock.now(), done };
        bar.start(total, done, { doneMb: mb(done), totalMb: mb(total), speed: '0.0' });
        return;
      }
      const secs = Math.max(0.001, (clock.now() - start.at) / 1000);
      bar.update(done, { doneMb: mb(done), totalMb: mb(total), speed: mb((done - start.done) / secs) });
    },
    stop: () => { if (start) bar.stop(); },
  };
};
