// Every benchmark prints the machine it ran on, so figures in the README carry their source.
import { cpus, totalmem, platform, release, arch } from 'node:os';

export const machine = () => ({
  cpu: cpus()[0]?.model.trim() ?? 'unknown',
  cores: cpus().length,
  memGiB: Math.round(totalmem() / 2 ** 30),
  os: `${platform()} ${release()} ${arch()}`,
  node: process.version,
});

/** Runs fn repeatedly for about `ms` of wall time (bounded by maxIter); returns ops per second. */
export const rate = (fn: () => void, ms = 1000, maxIter = 10_000_000): { ops: number; perSec: number } => {
  for (let i = 0; i < 50; i++) fn(); // warm up the JIT
  const start = process.hrtime.bigint();
  const limit = BigInt(ms) * 1_000_000n;
  let ops = 0;
  while (ops < maxIter) {
    for (let i = 0; i < 16; i++) fn();
    ops += 16;
    if (process.hrtime.bigint() - start >= limit) break;
  }
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  return { ops, perSec: Math.round(ops / secs) };
};

export const print = (name: string, results: unknown): void => {
  process.stdout.write(JSON.stringify({ bench: name, machine: machine(), results }) + '\n');
};
