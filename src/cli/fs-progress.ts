// A progress bar for `skywire fs get|put` (bytes, MB/s, ETA) on a terminal; nothing otherwise,
// so scripts and logs get only the result. The rate is from the start of this transfer, so a
// resumed upload shows the speed of what it actually sends. The line fits the terminal (80
// columns too): the bar and the file name give way, never the speed or the ETA.
import { Presets, SingleBar } from 'cli-progress';
import { realClock } from '../env/real-clock.ts';

export interface TransferBar { update(done: number, total: number): void; stop(): void }

const mb = (n: number): string => (n / 1e6).toFixed(1);

/** Widest values of the placeholders: 100%, 99999.9/99999.9 MB, 9999.9 MB/s, ETA 99h59m. */
const WIDEST = { percentage: '100', doneMb: '99999.9', totalMb: '99999.9', speed: '9999.9', eta_formatted: '99h59m' } as const;

/** Shortens `s` to at most `n` columns: its first word (get, put) stays, then '…' and the end of
 *  the rest (a file name's extension). */
export const shortLabel = (s: string, n: number): string => {
  if (s.length <= n) return s;
  const sp = s.indexOf(' ');
  const head = sp > 0 && sp + 3 < n ? s.slice(0, sp + 1) : '';
  const keep = n - head.length - 1;
  return `${head}…${s.slice(s.length - keep)}`;
};

/** Fills a format's placeholders with the widest values, to measure the line without the bar. */
export const widest = (format: string, values: Record<string, string>): string => format.replace(/\{(\w+)\}/g, (_, k: string) => (k === 'bar' ? '' : values[k] ?? ''));

/** The bar's format and width for a terminal `columns` wide (one column is left free: a line
 *  that fills the last column wraps on some terminals). */
export const transferFormat = (label: string, columns: number): { format: string; barsize: number } => {
  const tail = ' {percentage}% {doneMb}/{totalMb} MB {speed} MB/s ETA {eta_formatted}';
  const room = Math.max(20, columns) - 1;
  const fixed = widest(tail, WIDEST).length + 1;
  // The label keeps up to 24 columns and gives way before the bar goes under 10.
  const l = shortLabel(label, Math.max(8, Math.min(24, room - fixed - 10)));
  const barsize = Math.max(5, Math.min(40, room - fixed - l.length));
  return { format: `${l} {bar}${tail}`, barsize };
};

export const transferBar = (label: string, show: boolean, stream: NodeJS.WriteStream = process.stderr): TransferBar => {
  if (!show) return { update: () => {}, stop: () => {} };
  const clock = realClock();
  const { format, barsize } = transferFormat(label, stream.columns || process.stdout.columns || 80);
  const bar = new SingleBar({ format, barsize, hideCursor: true, etaBuffer: 40, stream }, Presets.shades_classic);
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
