// What a node reports of its machine with each heartbeat (issue 16): CPU busy since the last
// sample, load, memory, the disk holding its home, the board's temperature where a sensor
// exists, uptime. Read from /proc, /sys and statfs: cheap (a few small reads) and never throws;
// a figure the machine does not have is null. In src/env because it reads the real machine.
import { readFileSync, readdirSync, statfsSync } from 'node:fs';
import { freemem, loadavg, totalmem, uptime } from 'node:os';

export interface HostMetrics {
  /** Percent of all CPUs busy since the previous sample (null on the first). */
  cpuPct: number | null;
  load1: number;
  memUsedMB: number;
  memTotalMB: number;
  diskUsedMB: number | null;
  diskTotalMB: number | null;
  /** Hottest thermal zone in degrees Celsius (a Pi has one, most VMs none). */
  tempC: number | null;
  uptimeS: number;
}

const MB = 1024 * 1024;

const cpuTimes = (): { busy: number; total: number } | null => {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    // idle + iowait are not busy.
    return { busy: total - (f[3] ?? 0) - (f[4] ?? 0), total };
  } catch {
    return null;
  }
};

const memAvailable = (): number => {
  try {
    const m = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch { /* not Linux: os.freemem below */ }
  return freemem();
};

const hottestZone = (): number | null => {
  let best: number | null = null;
  try {
    for (const z of readdirSync('/sys/class/thermal')) {
      if (!z.startsWith('thermal_zone')) continue;
      try {
        const milli = Number(readFileSync(`/sys/class/thermal/${z}/temp`, 'utf8').trim());
        if (Number.isFinite(milli) && milli > -50_000 && milli < 200_000) best = Math.max(best ?? -Infinity, milli / 1000);
      } catch { /* a zone that cannot be read right now */ }
    }
  } catch { /* no thermal class */ }
  return best === null ? null : Math.round(best * 10) / 10;
};

/** A sampler: each call returns the machine's figures, CPU as the share busy since the last call. */
export const hostMetricsSampler = (diskPath: string): (() => HostMetrics) => {
  let prev = cpuTimes();
  return () => {
    const now = cpuTimes();
    const cpuPct = prev && now && now.total > prev.total ? Math.round(((now.busy - prev.busy) / (now.total - prev.total)) * 100) : null;
    prev = now;
    let diskUsedMB: number | null = null;
    let diskTotalMB: number | null = null;
    try {
      const s = statfsSync(diskPath);
      diskTotalMB = Math.round((s.blocks * s.bsize) / MB);
      diskUsedMB = Math.round(((s.blocks - s.bfree) * s.bsize) / MB);
    } catch { /* the home went away: reported as unknown */ }
    const total = totalmem();
    return {
      cpuPct, load1: Math.round(loadavg()[0]! * 100) / 100,
      memUsedMB: Math.round((total - memAvailable()) / MB), memTotalMB: Math.round(total / MB),
      diskUsedMB, diskTotalMB, tempC: hottestZone(), uptimeS: Math.round(uptime()),
    };
  };
};
