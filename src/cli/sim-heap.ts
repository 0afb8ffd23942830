// A big scenario needs more heap than Node gives by default (~4 GiB): fleet-10k peaks near 5.
// Rather than dying of "JavaScript heap out of memory" minutes in, `sim run` starts itself again
// with a heap sized for the scenario (at most 80 % of the machine's memory) and passes its exit
// code on; the child sees SKYWIRE_SIM_HEAP and does not do it twice.
import { spawn } from 'node:child_process';
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';

/** Heap a scenario of `nodes` nodes may need, in MiB: ~500 KiB per node in a 10,000-node fleet. */
export const heapFor = (nodes: number): number => 512 + Math.ceil(nodes * 0.5);

/** Resolves with the child's exit code when it re-ran us with a bigger heap; undefined when the
 *  current heap will do (or it already is the re-run). */
export const rerunWithHeap = async (nodes: number): Promise<number | undefined> => {
  const want = heapFor(nodes);
  const have = getHeapStatistics().heap_size_limit / 2 ** 20;
  if (process.env.SKYWIRE_SIM_HEAP || want <= have) return undefined;
  const mib = Math.min(Math.floor((totalmem() / 2 ** 20) * 0.8), Math.ceil(want * 1.5));
  if (mib <= have) return undefined;
  process.stderr.write(`skywire: ${nodes} nodes: running with a ${Math.round(mib / 1024)} GiB heap (--max-old-space-size=${mib})\n`);
  const child = spawn(process.execPath, [...process.execArgv, `--max-old-space-size=${mib}`, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, SKYWIRE_SIM_HEAP: String(mib) } });
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
};
