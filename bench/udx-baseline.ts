// secret-stream over udx-native between two processes on loopback: the encrypted UDP stream of
// the Holepunch stack, run beside ours in the same bench (bench/throughput.ts).
import { fork, type ChildProcess } from 'node:child_process';
import { next } from './fork-ipc.ts';
import { procCpuMs } from './proc-cpu.ts';

const MS = 180_000;


export const secretStreamOverUdx = async (bytes: number): Promise<{ mbPerSec: number; seconds: number; cpuMsPerMB: number }> => {
  const w = [0, 1].map(() => fork(new URL('./udx-worker.ts', import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  try {
    await Promise.all(w.map((p) => next(p, 'ready', MS)));
    const ports = await Promise.all(w.map((p) => { const r = next<number>(p, 'port', MS); p.send({ role: 'bind' }); return r; }));
    const done = next<number>(w[1]!, 'done', MS);
    const started = next<number>(w[0]!, 'start', MS);
    w[1]!.send({ role: 'sink', peerPort: ports[0]!, bytes });
    w[0]!.send({ role: 'source', peerPort: ports[1]!, bytes });
    const s = await started;
    const c0 = w.map((p) => procCpuMs(p.pid!));
    const d = await done;
    const cpu = w.reduce((a, p, i) => a + procCpuMs(p.pid!) - c0[i]!, 0);
    const seconds = (d - s) / 1000;
    return { seconds: Math.round(seconds * 100) / 100, mbPerSec: Math.round((bytes / 1e6 / seconds) * 10) / 10, cpuMsPerMB: Math.round((cpu / (bytes / 1e6)) * 10) / 10 };
  } finally {
    for (const p of w) if (p.connected) p.send({ exit: true });
    await new Promise((r) => setTimeout(r, 100));
    for (const p of w) p.kill('SIGKILL');
  }
};
