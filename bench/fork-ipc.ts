// Forked TypeScript workers for the multi-process benches: fork with tsx (and --expose-gc, so
// memory figures are after a full GC), await one keyed IPC message with a deadline, and kill
// every worker when the bench exits, however it exits.
import { fork, type ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
process.once('exit', () => { for (const p of live) p.kill('SIGKILL'); });

export const forkWorker = (file: string): ChildProcess => {
  const p = fork(new URL(file, import.meta.url).pathname, [], { execArgv: ['--expose-gc', '--import', 'tsx', ...(process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  live.add(p);
  p.once('exit', () => live.delete(p));
  return p;
};

/** The next message from p that has `key`, or a rejection after ms (or if p exits first). */
export const next = <T>(p: ChildProcess, key: string, ms: number): Promise<T> => new Promise((res, rej) => {
  const done = (): void => { clearTimeout(timer); p.off('message', on); p.off('exit', gone); };
  const timer = setTimeout(() => { done(); rej(new Error(`timed out after ${ms} ms waiting for ${key}`)); }, ms);
  const on = (m: Record<string, unknown>): void => { if (key in m) { done(); res(m[key] as T); } };
  const gone = (code: number | null): void => { done(); rej(new Error(`worker exited (${code}) before ${key}`)); };
  p.on('message', on);
  p.once('exit', gone);
});

export const stopAll = async (ps: ChildProcess[]): Promise<void> => {
  for (const p of ps) if (p.connected) p.send({ exit: true });
  // BENCH_PROF=DIR: each worker writes a CPU profile there on its way out; that takes seconds.
  await new Promise((r) => setTimeout(r, process.env.BENCH_PROF ? 8000 : 200));
  for (const p of ps) p.kill('SIGKILL');
};
