// Per-node progress of a deploy, from the master's JSON lines: a cli-progress bar per node on a
// terminal (bytes sent with speed and ETA, then "installing" while the node unpacks and
// health-checks), one plain line per node and phase otherwise, so logs and CI output stay
// readable. Each bar's line fits the terminal (80 columns too): the bar gives way first.
import { createInterface } from 'node:readline';
import type { Socket } from 'node:net';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { realClock } from '../env/real-clock.ts';
import { widest } from './fs-progress.ts';

export interface DeployLine { node?: string; sent?: number; total?: number; phase?: string; reply?: unknown; done?: boolean; results?: { node: string; reply: { ok: boolean } }[] }

const mb = (n: number): string => (n / 1e6).toFixed(1);
const WIDEST = { node: 'x'.repeat(12), percentage: '100', sentMb: '9999.9', totalMb: '9999.9', speed: '9999.9', eta_formatted: '99h59m', phase: 'installing' } as const;

/** The deploy bars' format and bar width for a terminal `columns` wide (the last column left free). */
export const deployFormat = (columns: number): { format: string; barsize: number } => {
  const format = '{node} {bar} {percentage}% {sentMb}/{totalMb} MB {speed} MB/s ETA {eta_formatted} {phase}';
  const fixed = widest(format, WIDEST).length;
  return { format, barsize: Math.max(5, Math.min(40, Math.max(20, columns) - 1 - fixed)) };
};

export const followDeploy = (sock: Socket, total: number, tty: boolean, out: NodeJS.WritableStream): Promise<DeployLine> =>
  new Promise((resolve, reject) => {
    const clock = realClock();
    const multi = tty ? new MultiBar({ ...deployFormat(process.stdout.columns || 80), hideCursor: true, clearOnComplete: false, etaBuffer: 40 }, Presets.shades_classic) : undefined;
    const bars = new Map<string, { bar: SingleBar; at: number }>();
    const lastPhase = new Map<string, string>();
    const rl = createInterface({ input: sock });
    sock.resume();
    rl.on('line', (l) => {
      let v: DeployLine;
      try { v = JSON.parse(l) as DeployLine; } catch { return; }
      if (v.done) { multi?.stop(); resolve(v); return rl.close(); }
      const node = v.node ?? '?';
      if (multi) {
        let b = bars.get(node);
        if (!b) {
          b = { bar: multi.create(total, 0, { node: node.slice(0, 12).padEnd(12), phase: '', sentMb: mb(0), totalMb: mb(total), speed: '0.0' }), at: clock.now() };
          bars.set(node, b);
        }
        const sent = v.sent ?? (v.phase === 'done' ? total : 0);
        const secs = Math.max(0.001, (clock.now() - b.at) / 1000);
        b.bar.update(sent, {
          sentMb: mb(sent), totalMb: mb(total), speed: mb(sent / secs),
          phase: v.phase === 'done' ? ((v.reply as { ok?: boolean })?.ok ? 'done' : 'FAILED') : v.phase ?? '',
        });
      } else if (lastPhase.get(node) !== v.phase) {
        lastPhase.set(node, v.phase ?? '');
        if (v.phase !== 'done') out.write(`${node}: ${v.phase}\n`);
      }
    });
    rl.on('close', () => { multi?.stop(); reject(new Error('the master closed the deploy before it finished')); });
  });
