// secret-stream over udx-native between two processes on loopback: the encrypted UDP stream of
// the Holepunch stack, run beside ours in the same bench (bench/throughput.ts).
import { fork, type ChildProcess } from 'node:child_process';
import { procCpuMs } from './proc-cpu.ts';

const next = <T>(p: ChildProcess, key: string, ms = 180_000): Promise<T> => new Promise((res, rej) => {
  const timer = setTimeout(() => rej(new Error(`udx baseline: timed out waiting for ${key}`)), ms);
  const on = (m: Record<string, unknown>): void => {
    if (key in m) { clearTimeout(timer); p.off('message', on); res(m as T); }
  };
  p.on('message', on);
});

export const secretStreamOverUdx = async (bytes: number): Promise<{ mbPerSec: number; seconds: number; cpuMsPerMB: number }> => {
  const w = [0, 1].map(() => fork(new URL('./udx-worker.ts', import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  try {
    await Promise.all(w.map((p) => next(p, 'ready')));
    const ports = await Promise.all(w.map((p) => { const r = next<{ port: number }>(p, 'port'); p.send({ role: 'bind' }); return r; }));
    const done = next<{ done: number }>(w[1]!, 'done');
    const started = next<{ start: number }>(w[0]!, 'start');
    w[1]!.send({ role: 'sink', peerPort: ports[0]!.port, bytes });
    w[0]!.send({ role: 'source', peerPort: ports[1]!.port, bytes });
    const s = await started;
    const c0 = w.map((p) => procCpuMs(p.pid!));
    const d = await done;
    const cpu = w.reduce((a, p, i) => a + procCpuMs(p.pid!) - c0[i]!, 0);
    const seconds = (d.done - s.start) / 1000;
    return { seconds: Math.round(seconds * 100) / 100, mbPerSec: Math.round((bytes / 1e6 / seconds) * 10) / 10, cpuMsPerMB: Math.round((cpu / (bytes / 1e6)) * 10) / 10 };
  } finally {
    for (const p of w) if (p.connected) p.send({ exit: true });
    await new Promise((r) => setTimeout(r, 100));
    for (const p of w) p.kill('SIGKILL');
  }
};
