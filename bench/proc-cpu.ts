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

/** CPU time the whole machine spent busy, in ms (every CPU's user, nice, system, irq, softirq
 *  and steal from /proc/stat): for a path of several processes plus the kernel's packet work
 *  in softirq, which no process is charged for. Only fair when nothing else runs. */
export const machineBusyMs = (): number => {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return (f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!) * TICK_MS;
  } catch {
    return NaN;
  }
};
