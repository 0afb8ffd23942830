// CPU time of a process from /proc, in ms (user + system). Read from outside, so it counts a
// process the bench did not write (wireguard-go, iperf3) the same way as our own workers.
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on every Linux we run on

export const procCpuMs = (pid: number): number => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS; // utime, stime (fields 14 and 15)
  } catch {
    return NaN;
  }
};

/** Every pid whose command line holds `needle` (wireguard-go has no parent we forked). */
export const pidsMatching = (needle: string): number[] => {
  const out: number[] = [];
  for (const d of readdirSafe('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ').includes(needle)) out.push(Number(d));
    } catch { /* gone meanwhile */ }
  }
  return out;
};

const readdirSafe = (p: string): string[] => { try { return readdirSync(p); } catch { return []; } };
