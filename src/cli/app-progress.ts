// Per-node progress of a deploy, from the master's JSON lines: a cli-progress bar per node on a
// terminal (bytes sent, then "installing" while the node unpacks and health-checks), one plain
// line per node and phase otherwise, so logs and CI output stay readable.
import { createInterface } from 'node:readline';
import type { Socket } from 'node:net';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';

export interface DeployLine { node?: string; sent?: number; total?: number; phase?: string; reply?: unknown; done?: boolean; results?: { node: string; reply: { ok: boolean } }[] }

export const followDeploy = (sock: Socket, total: number, tty: boolean, out: NodeJS.WritableStream): Promise<DeployLine> =>
  new Promise((resolve, reject) => {
    const multi = tty ? new MultiBar({ format: ' {node} |{bar}| {percentage}% {value}/{total} bytes {phase}', hideCursor: true, clearOnComplete: false }, Presets.shades_classic) : undefined;
    const bars = new Map<string, SingleBar>();
    const lastPhase = new Map<string, string>();
    const rl = createInterface({ input: sock });
    sock.resume();
    rl.on('line', (l) => {
      let v: DeployLine;
      try { v = JSON.parse(l) as DeployLine; } catch { return; }
      if (v.done) { multi?.stop(); resolve(v); return rl.close(); }
      const node = v.node ?? '?';
      if (multi) {
        let bar = bars.get(node);
        if (!bar) { bar = multi.create(total, 0, { node: node.slice(0, 12), phase: '' }); bars.set(node, bar); }
        bar.update(v.sent ?? (v.phase === 'done' ? total : 0), { phase: v.phase === 'done' ? ((v.reply as { ok?: boolean })?.ok ? 'done' : 'FAILED') : v.phase ?? '' });
      } else if (lastPhase.get(node) !== v.phase) {
        lastPhase.set(node, v.phase ?? '');
        if (v.phase !== 'done') out.write(`${node}: ${v.phase}\n`);
      }
    });
    rl.on('close', () => { multi?.stop(); reject(new Error('the master closed the deploy before it finished')); });
  });
